import { Kafka, logLevel } from 'kafkajs';

export interface TopicRecord {
  key: string | null;
  value: string;
  partition: number;
  offset: string;
}

/** Reads a whole topic as it is now (up to the current end offsets), for demos and inspection. */
export async function readWholeTopic(brokers: string, topic: string, timeoutMs = 20_000): Promise<TopicRecord[]> {
  const kafka = new Kafka({ brokers: brokers.split(','), clientId: 'vir-inspect', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const wanted = ends.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  const records: TopicRecord[] = [];
  if (wanted === 0) return records;
  // A throw-away group that never commits: reading leaves no trace in the cluster's offsets.
  const consumer = kafka.consumer({ groupId: `vir-inspect-${process.pid}-${Date.now()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${records.length} of ${wanted} records of ${topic} in ${timeoutMs} ms`)), timeoutMs);
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          records.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? '', partition, offset: message.offset });
          if (records.length >= wanted) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DevstackLog } from './devstack.types';
import { requireExecutable, runCommand } from './process.util';

export const KAFKA_VERSION = '3.9.1';

const MARKER = '.devstack-complete';

// kafka_2.13 pulls the whole broker (KRaft, storage tool, coordinators); slf4j-reload4j is the
// binding Kafka 3.x ships in its tarball, so log4j.properties behaves as in the official distribution.
const POM = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.devstack</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>${KAFKA_VERSION}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>${KAFKA_VERSION}</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-reload4j</artifactId>
      <version>1.7.36</version>
    </dependency>
  </dependencies>
</project>
`;

const POM_HASH = createHash('sha256').update(POM).digest('hex').slice(0, 16);

interface Marker {
  pom: string;
  jars: string[];
}

async function isComplete(libDir: string): Promise<boolean> {
  try {
    const marker = JSON.parse(await readFile(join(libDir, MARKER), 'utf8')) as Marker;
    return marker.pom === POM_HASH && marker.jars.length > 0 && marker.jars.every((jar) => existsSync(join(libDir, jar)));
  } catch {
    return false;
  }
}

/**
 * Makes sure the Kafka broker jars are in `<cacheDir>/kafka-3.9.1/lib` and returns that directory.
 * Downloads through Maven (into ~/.m2 and then the lib dir) only when the cached set is incomplete.
 * Concurrent callers are safe: each one fills a private temp dir that is renamed into place atomically.
 */
export async function ensureKafkaJars(cacheDir: string, log: DevstackLog): Promise<string> {
  const home = join(cacheDir, `kafka-${KAFKA_VERSION}`);
  const libDir = join(home, 'lib');
  if (await isComplete(libDir)) return libDir;

  await requireExecutable('java', ['-version'], 'Install a JDK 17+ (e.g. apt-get install openjdk-17-jdk-headless).');
  await requireExecutable('mvn', ['-v'], 'Install Maven 3.6+ (e.g. apt-get install maven); it is only used to fetch the Kafka jars.');

  await mkdir(home, { recursive: true });
  const tmpName = `lib.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmpDir = join(home, tmpName);
  const pomName = `pom.${process.pid}.xml`;
  const started = Date.now();
  log(`[kafka] fetching Kafka ${KAFKA_VERSION} jars with Maven into ${libDir}`);
  try {
    await writeFile(join(home, pomName), POM);
    const result = await runCommand(
      'mvn',
      ['-q', '-B', '-f', pomName, 'dependency:copy-dependencies', `-DoutputDirectory=${tmpName}`, '-DincludeScope=runtime'],
      { cwd: home },
    );
    if (result.code !== 0) {
      throw new Error(`devstack: 'mvn dependency:copy-dependencies' failed (exit ${result.code}):\n${result.output.slice(-4000)}`);
    }
    const jars = (await readdir(tmpDir)).filter((name) => name.endsWith('.jar')).sort();
    if (!jars.some((jar) => jar.startsWith('kafka_2.13-'))) {
      throw new Error(`devstack: Maven finished but no kafka_2.13 jar is in ${tmpDir}`);
    }
    const marker: Marker = { pom: POM_HASH, jars };
    await writeFile(join(tmpDir, MARKER), JSON.stringify(marker, null, 2));
    // Keep a readable pom.xml next to lib for humans; the build itself used the private copy.
    await writeFile(join(home, 'pom.xml'), POM);
    if (!(await isComplete(libDir))) {
      await rm(libDir, { recursive: true, force: true });
      try {
        await rename(tmpDir, libDir);
      } catch (error) {
        // Another process won the race; its lib is as good as ours.
        if (!(await isComplete(libDir))) throw error;
      }
    }
    log(`[kafka] ${jars.length} jars ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return libDir;
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
    await rm(join(home, pomName), { force: true });
  }
}

import { InitialMonitorSchema1763788800000 } from './1763788800000-initial-monitor-schema';
import { ReadModelAndConsole1763900000000 } from './1763900000000-read-model-and-console';
import { Figures1764200000000 } from './1764200000000-figures';

export const MONITOR_MIGRATIONS = [InitialMonitorSchema1763788800000, ReadModelAndConsole1763900000000, Figures1764200000000];

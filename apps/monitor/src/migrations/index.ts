import { InitialMonitorSchema1763788800000 } from './1763788800000-initial-monitor-schema';
import { ReadModelAndConsole1763900000000 } from './1763900000000-read-model-and-console';
import { DeadLetters1764100000000 } from './1764100000000-dead-letters';
import { Alerts1764000000000 } from './1764000000000-alerts';
import { Figures1764200000000 } from './1764200000000-figures';
import { FigureIndexes1764400000000 } from './1764400000000-figure-indexes';

export const MONITOR_MIGRATIONS = [InitialMonitorSchema1763788800000, ReadModelAndConsole1763900000000, Alerts1764000000000, DeadLetters1764100000000, Figures1764200000000, FigureIndexes1764400000000];

import { processIo } from './vir/cli-io';
import { runVir } from './vir/vir-cli';

// `npm run -s vir -- <command>`: the operators' CLI. All logic lives in ./vir (tested in-process).
void runVir(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});

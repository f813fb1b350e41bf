// Runs the CLI from source (tsx), so the train tests need no `npm run build`.
import { main } from '../../../src/cli/main.js';

await main(process.argv);

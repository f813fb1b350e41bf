import { writeFileSync } from 'node:fs';
import { renderErrorsDoc } from '../src/errors/render-doc.js';

writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorsDoc());
process.stdout.write('wrote docs/errors.md\n');

/**
 * The "T" values of prediction log batch lines (event-log-batch.ts): JSON text
 * with a `#` for each number, the numbers kept apart (src/predlog/json-template.ts
 * writes them on the serving thread).
 */

/**
 * A template written out: each `#` outside a string is the next number
 * (`number(i)`, i counting from 0) as JSON writes it. Returns the JSON text
 * and how many numbers it took.
 */
export function fillTemplate(template: string, number: (i: number) => string): { json: string; taken: number } {
  let json = '';
  let from = 0;
  let taken = 0;
  for (let i = 0; i < template.length; i++) {
    const c = template.charCodeAt(i);
    if (c === QUOTE) i = stringEnd(template, i);
    else if (c === HASH) {
      json += template.slice(from, i) + number(taken++);
      from = i + 1;
    }
  }
  return { json: json + template.slice(from), taken };
}

/** The index of the quote closing the JSON string that opens at `open`. */
function stringEnd(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  throw new Error(`prediction log line: unterminated string in template "${text.slice(0, 40)}"`);
}

const QUOTE = 0x22;
const HASH = 0x23;
const BACKSLASH = 0x5c;

/**
 * Bytes of one image as clients send it: plain base64, or a `data:` URL with
 * a `;base64` payload (what browsers' FileReader.readAsDataURL produces).
 * Returns undefined for anything that cannot carry image bytes.
 */
export function imageBytes(payload: string): Buffer | undefined {
  let base64 = payload.trim();
  if (base64.startsWith('data:')) {
    const comma = base64.indexOf(',');
    if (comma < 0 || !/;base64$/i.test(base64.slice(0, comma))) return undefined;
    base64 = base64.slice(comma + 1);
  }
  // Buffer.from silently skips characters outside the alphabet; reject them so
  // garbage is reported as such rather than as a corrupt image.
  if (base64.length === 0 || !/^[A-Za-z0-9+/_\-\s]+={0,2}\s*$/.test(base64)) return undefined;
  return Buffer.from(base64, 'base64');
}

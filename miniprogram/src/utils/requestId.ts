/** A client-generated id for one checkout: 8-64 chars of [A-Za-z0-9_-]. Reused on retries. */
export function newRequestId(now = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let random = '';
  for (let i = 0; i < 16; i++) random += alphabet[Math.floor(Math.random() * alphabet.length)];
  return `r${now.toString(36)}_${random}`;
}

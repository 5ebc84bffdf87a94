// GB 32100-2015 check characters, for tests that need valid USCCs of their own.
export const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

// The check character for the first 17 characters: (31 - sum of value x 3^(i-1) mod 31) mod 31.
export function checkChar(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = ALPHABET.indexOf(first17[i]);
    if (v < 0) throw new Error(`'${first17[i]}' is not a USCC character`);
    sum += v * WEIGHTS[i];
  }
  return ALPHABET[(31 - (sum % 31)) % 31];
}

// A valid USCC for a 6-digit region and a 9-character organisation code (alphabet characters only).
export function makeUscc(region, org) {
  const first = `91${region}${org}`;
  return first + checkChar(first);
}

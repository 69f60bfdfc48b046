/** Titles written before a Hungarian name; they stay with the family name. */
const titles = /^(dr\.?|prof\.?|ifj\.?|id\.?|özv\.?)$/i;

/**
 * Hungarian names are family name first: "Kovács János" → { lastName: "Kovács", firstName: "János" }.
 * A married form ending in -né takes the next word too ("Kovácsné Szabó Anna" → "Kovácsné Szabó", "Anna").
 */
export function splitHungarianName(full: string): { firstName: string; lastName: string } {
  const words = full.trim().split(/\s+/).filter(Boolean);
  const family: string[] = [];
  while (words.length > 1 && titles.test(words[0]!)) family.push(words.shift()!);
  if (words.length > 0) family.push(words.shift()!);
  if (words.length > 1 && /né$/i.test(family.at(-1)!)) family.push(words.shift()!);
  return { lastName: family.join(' '), firstName: words.join(' ') };
}

export const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** Twenty's computeMetadataNameFromLabel: slugify, camelCase, and prefix a leading digit with "n". */
export function nameFromLabel(label: string): string {
  const words = label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  const name = words.map((w, i) => (i === 0 ? w.toLowerCase() : pascal(w.toLowerCase()))).join('');
  return /^\d/.test(name) ? `n${name}` : name;
}

export const CAMEL_CASE_NAME = /^[a-z][a-zA-Z0-9]*$/;
export const UPPER_SNAKE_VALUE = /^[A-Z0-9]+(_[A-Z0-9]+)*$/;

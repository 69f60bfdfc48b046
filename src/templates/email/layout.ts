/** The frame every customer email shares: one HTML layout and one plain-text signature, in Hungarian. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

export const huDate = (iso: string) =>
  new Intl.DateTimeFormat('hu-HU', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'Europe/Budapest' }).format(new Date(iso));

const signature = 'Üdvözlettel,\nKGC Csapat';

/** `paragraphs` are plain text; the HTML part escapes them, so KGC data can never inject markup. */
export function layout(subject: string, greeting: string, paragraphs: string[]): RenderedEmail {
  const text = [greeting, ...paragraphs, signature].join('\n\n') + '\n';
  const html = `<!doctype html>
<html lang="hu"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: Arial, Helvetica, sans-serif; font-size: 15px; color: #222; line-height: 1.5;">
<p>${escapeHtml(greeting)}</p>
${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
<p>${escapeHtml(signature).replace('\n', '<br>')}</p>
</body></html>
`;
  return { subject, text, html };
}

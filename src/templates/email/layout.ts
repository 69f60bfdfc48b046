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

/** The visible half of one-click unsubscribe, under every marketing email (the headers are the other half). */
const unsubscribeLine = 'Ha nem szeretne több ajánlatot kapni tőlünk, itt leiratkozhat:';

/**
 * `paragraphs` are plain text; the HTML part escapes them, so KGC data can never inject markup. A marketing email
 * passes its `unsubscribeUrl`, which becomes the footer of both parts.
 */
export function layout(subject: string, greeting: string, paragraphs: string[], opts: { unsubscribeUrl?: string } = {}): RenderedEmail {
  const footerText = opts.unsubscribeUrl ? [`${unsubscribeLine} ${opts.unsubscribeUrl}`] : [];
  const footerHtml = opts.unsubscribeUrl
    ? `<p style="font-size: 12px; color: #777;">${escapeHtml(unsubscribeLine)} <a href="${escapeHtml(opts.unsubscribeUrl)}">Leiratkozás</a></p>\n`
    : '';
  const text = [greeting, ...paragraphs, signature, ...footerText].join('\n\n') + '\n';
  const html = `<!doctype html>
<html lang="hu"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: Arial, Helvetica, sans-serif; font-size: 15px; color: #222; line-height: 1.5;">
<p>${escapeHtml(greeting)}</p>
${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
<p>${escapeHtml(signature).replace('\n', '<br>')}</p>
${footerHtml}</body></html>
`;
  return { subject, text, html };
}

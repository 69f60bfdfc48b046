import { escapeHtml } from '../templates/email/layout.js';

/** The Hungarian pages of the unsubscribe link: what the customer sees in the browser. */
const page = (title: string, body: string) => `<!doctype html>
<html lang="hu"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} – KGC</title></head>
<body style="font-family: Arial, Helvetica, sans-serif; max-width: 36em; margin: 3em auto; padding: 0 1em; color: #222; line-height: 1.5;">
<h1 style="font-size: 1.4em;">${escapeHtml(title)}</h1>
${body}
</body></html>
`;

/** GET: asks first, so a link scanner that follows every link unsubscribes nobody. */
export const confirmPage = (token: string) =>
  page(
    'Leiratkozás a KGC ajánlatairól',
    `<p>Biztosan nem szeretne több ajánlatot, kedvezményt és hírlevelet kapni tőlünk e-mailben?</p>
<p>A bérléseivel és javításaival kapcsolatos értesítéseket ezután is megkapja.</p>
<form method="post" action="/unsubscribe?t=${encodeURIComponent(token)}">
<input type="hidden" name="confirm" value="yes">
<button type="submit" style="font-size: 1em; padding: 0.5em 1.2em;">Igen, leiratkozom</button>
</form>`,
  );

export const donePage = () =>
  page('Sikeresen leiratkozott', '<p>Több ajánlatot nem küldünk Önnek e-mailben. Ha meggondolja magát, üzleteinkben vagy ügyfélszolgálatunkon újra feliratkozhat.</p>');

export const invalidLinkPage = (reason: 'malformed' | 'forged' | 'expired') =>
  reason === 'expired'
    ? page('A leiratkozási link lejárt', '<p>Ez a link már nem érvényes. Kérjük, használja a legutóbbi levelünkben található linket, vagy keresse ügyfélszolgálatunkat.</p>')
    : page('Érvénytelen leiratkozási link', '<p>Ezt a linket nem tudjuk feldolgozni. Kérjük, a levelünkben található linket másolja be pontosan, vagy keresse ügyfélszolgálatunkat.</p>');

import { TwentyClient } from '../clients/twenty-client.js';
import { provisionTwentyDataModel } from '../clients/twenty-provision.js';

/** `npm run twenty:provision`: creates the KGC custom fields and objects in Twenty; safe to run again. */
async function main() {
  const apiUrl = process.env.TWENTY_API_URL;
  const apiKey = process.env.TWENTY_API_KEY;
  if (!apiUrl || !apiKey) {
    console.error('TWENTY_API_URL and TWENTY_API_KEY are required');
    process.exit(2);
  }
  const report = await provisionTwentyDataModel(new TwentyClient({ apiUrl, apiKey, requestsPerMinute: 100 }));
  process.stdout.write(`${report.created.length ? `created: ${report.created.join(', ')}` : 'nothing to create: the data model is complete'}\n`);
}

main().catch((err) => {
  console.error((err as Error).message);
  process.exit(1);
});

/** Google's error bodies: `{error:{code,message,status,details[]}}`. */
const statusNames: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export function errorBody(code: number, message: string, details: unknown[] = []) {
  return { error: { code, message, status: statusNames[code] ?? 'UNKNOWN', details } };
}

const help = { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }] };

/** The daily quota: only the next day resets it, whatever RetryInfo says. */
export function dailyQuotaError(model: string) {
  return errorBody(429, 'You exceeded your current quota, please check your plan and billing details.', [
    {
      '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
      violations: [
        {
          quotaMetric: 'generativelanguage.googleapis.com/generate_content_requests',
          quotaId: 'GenerateRequestsPerDayPerProjectPerModel',
          quotaDimensions: { location: 'global', model },
          quotaValue: '10000',
        },
      ],
    },
    help,
    { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' },
  ]);
}

export function perMinuteQuotaError(retryDelaySeconds: number) {
  return errorBody(429, 'Resource has been exhausted (e.g. check quota).', [
    {
      '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
      violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_requests', quotaId: 'GenerateRequestsPerMinutePerProjectPerModel' }],
    },
    { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryDelaySeconds}s` },
  ]);
}

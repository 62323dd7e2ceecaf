/** An audit event's summary (free JSON) in one short line: "reason: password · status: 201". */
export interface SummaryText {
  short: string;
  full: string;
}

const SHORT_LIMIT = 120;

function valueText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function describeSummary(summary: unknown): SummaryText {
  if (summary === null || summary === undefined) return { short: '', full: '' };
  if (typeof summary !== 'object' || Array.isArray(summary)) {
    const text = valueText(summary);
    return { short: text.length > SHORT_LIMIT ? `${text.slice(0, SHORT_LIMIT - 1)}…` : text, full: text };
  }
  const parts = Object.entries(summary as Record<string, unknown>).map(([key, value]) => `${key}: ${valueText(value)}`);
  const full = parts.join(' · ');
  return { short: full.length > SHORT_LIMIT ? `${full.slice(0, SHORT_LIMIT - 1)}…` : full, full };
}

/** When a rental's campaign acts, from rental_end and RENTAL_REMINDER_LEAD / RENTAL_REMINDER_HOUR (Europe/Budapest). */
export interface ReminderTiming {
  leadMs: number;
  /** Local hour of the reminder and of the late check; null = exactly `leadMs` before rental_end, and at rental_end. */
  hour: number | null;
  timeZone: string;
}

export interface CampaignMoments {
  /** The reminder: the day before rental_end at 10:00 by default. */
  remindAt: number;
  /** The moment the machine is due back: rental_end itself, or the end of that day for a date without a time. */
  dueAt: number;
  /** When an unreturned rental counts as late: the first `hour` o'clock at or after `dueAt`. */
  lateCheckAt: number;
}

const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/;

export function campaignMoments(rentalEnd: string, t: ReminderTiming): CampaignMoments {
  const day = dateOnly.exec(rentalEnd);
  const endAt = day ? Number.NaN : Date.parse(rentalEnd);
  if (!day && Number.isNaN(endAt)) throw new RangeError(`rental_end is not a date: ${rentalEnd}`);
  // A bare date is a local calendar day: the rental may run until that day is over.
  const dueAt = day ? zonedTime(t.timeZone, Number(day[1]), Number(day[2]), Number(day[3]) + 1, 0) : endAt;
  if (t.hour === null) {
    const startAt = day ? zonedTime(t.timeZone, Number(day[1]), Number(day[2]), Number(day[3]), 0) : endAt;
    return { remindAt: startAt - t.leadMs, dueAt, lateCheckAt: dueAt };
  }

  // The lead is taken off the local wall clock, so "one day before" stays one calendar day across a DST change.
  const endWall = day ? Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])) : wallClock(t.timeZone, endAt);
  const remindDay = new Date(endWall - t.leadMs);
  const remindAt = zonedTime(t.timeZone, remindDay.getUTCFullYear(), remindDay.getUTCMonth() + 1, remindDay.getUTCDate(), t.hour);
  const dueDay = localParts(t.timeZone, dueAt);
  let lateCheckAt = zonedTime(t.timeZone, dueDay.year, dueDay.month, dueDay.day, t.hour);
  if (lateCheckAt < dueAt) lateCheckAt = zonedTime(t.timeZone, dueDay.year, dueDay.month, dueDay.day + 1, t.hour);
  return { remindAt, dueAt, lateCheckAt };
}

/** The local calendar date (YYYY-MM-DD) of an instant; KGC's `ends_on` filter takes this form. */
export function localIsoDate(timeZone: string, at: number): string {
  const d = localParts(timeZone, at);
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

function localParts(timeZone: string, at: number) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** The local wall-clock time of an instant, written as if it were UTC. */
function wallClock(timeZone: string, at: number): number {
  const p = localParts(timeZone, at);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

/** UTC offset of the zone at an instant, in ms. */
function offsetAt(timeZone: string, at: number): number {
  return wallClock(timeZone, at) - Math.floor(at / 1000) * 1000;
}

/** The instant of a local wall-clock time (day may overflow: 32 = the next month's first); DST gaps move forward. */
function zonedTime(timeZone: string, year: number, month: number, day: number, hour: number): number {
  const wall = Date.UTC(year, month - 1, day, hour);
  const guess = wall - offsetAt(timeZone, wall);
  return wall - offsetAt(timeZone, guess);
}

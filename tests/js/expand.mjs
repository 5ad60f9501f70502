// Expand an .ics feed the way Thunderbird does (Mozilla ical.js) and print {uid: [occurrence, ...]} as JSON.
// Usage: node expand.mjs FEED.ics START END   (dates YYYY-MM-DD; occurrences starting in [START, END)).
// All-day occurrences print as YYYY-MM-DD, timed ones as UTC instants (YYYY-MM-DDTHH:MM:SSZ).
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const [path, startText, endText] = process.argv.slice(2);
if (!path || !startText || !endText) {
  console.error("usage: node expand.mjs FEED.ics START END");
  process.exit(2);
}
const root = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
// ical.js ships no zone database: without registering the feed's VTIMEZONEs, TZID times float.
for (const zone of root.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(zone);

const start = ICAL.Time.fromDateString(startText);
const end = ICAL.Time.fromDateString(endText);
// An override may move an occurrence from beyond END into the range: iterate a year past END.
const horizon = end.clone();
horizon.adjust(366, 0, 0, 0);

const format = (t) => (t.isDate ? t.toString() : t.toJSDate().toISOString().replace(".000Z", "Z"));
const events = root.getAllSubcomponents("vevent");
const found = {};

for (const master of events.filter((e) => !e.hasProperty("recurrence-id"))) {
  const uid = master.getFirstPropertyValue("uid");
  const exceptions = events.filter(
    (e) => e.hasProperty("recurrence-id") && e.getFirstPropertyValue("uid") === uid);
  const event = new ICAL.Event(master, { exceptions });
  const iterator = event.iterator();
  for (let next = iterator.next(); next && next.compare(horizon) < 0; next = iterator.next()) {
    const occurrence = event.getOccurrenceDetails(next);
    const begins = occurrence.startDate;
    if (begins.compare(start) >= 0 && begins.compare(end) < 0) {
      (found[uid] ??= []).push(format(begins));
    }
    if (!event.isRecurring()) break;
  }
}
const sorted = Object.fromEntries(Object.keys(found).sort().map((uid) => [uid, found[uid].sort()]));
console.log(JSON.stringify(sorted));

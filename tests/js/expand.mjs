// Expand .ics feeds the way Thunderbird does (Mozilla ical.js) and print {uid: [occurrence, ...]} as JSON.
// Usage: node expand.mjs FEED.ics START END   (dates YYYY-MM-DD; occurrences starting in [START, END)).
//        node expand.mjs --batch < jobs.json  (jobs: [{"path": FEED.ics, "windows": [[START, END], ...]}, ...];
//                                              prints one list of {uid: [...]} per job, in order: one node
//                                              start for hundreds of feeds).
// All-day occurrences print as YYYY-MM-DD, timed ones as UTC instants (YYYY-MM-DDTHH:MM:SSZ).
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const format = (t) => (t.isDate ? t.toString() : t.toJSDate().toISOString().replace(".000Z", "Z"));

function load(path) {
  const root = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  // ical.js ships no zone database: without registering the feed's VTIMEZONEs, TZID times float.
  for (const zone of root.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(zone);
  return root;
}

function expand(root, startText, endText) {
  const start = ICAL.Time.fromDateString(startText);
  const end = ICAL.Time.fromDateString(endText);
  // An override may move an occurrence from beyond END into the range: iterate a year past END.
  const horizon = end.clone();
  horizon.adjust(366, 0, 0, 0);
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
  return Object.fromEntries(Object.keys(found).sort().map((uid) => [uid, found[uid].sort()]));
}

const args = process.argv.slice(2);
if (args[0] === "--batch") {
  const jobs = JSON.parse(readFileSync(0, "utf8"));
  const results = jobs.map(({ path, windows }) => {
    const root = load(path);
    return windows.map(([startText, endText]) => expand(root, startText, endText));
  });
  console.log(JSON.stringify(results));
} else {
  const [path, startText, endText] = args;
  if (!path || !startText || !endText) {
    console.error("usage: node expand.mjs FEED.ics START END  |  node expand.mjs --batch < jobs.json");
    process.exit(2);
  }
  console.log(JSON.stringify(expand(load(path), startText, endText)));
}

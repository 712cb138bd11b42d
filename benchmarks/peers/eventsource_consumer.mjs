// Baseline (c): a minimal consumer on the npm `eventsource` package, the client the NextDNS
// document recommends. Usage: node eventsource_consumer.mjs STREAM_URL, with BENCH_TOKEN and
// BENCH_PEERS_DIR (where `eventsource` is installed) in the environment. Parses every entry,
// keeps nothing, closes on `scope-destroyed` and prints the entry count on stderr.
import { createRequire } from "node:module";

const require = createRequire(`${process.env.BENCH_PEERS_DIR}/`);
const { EventSource } = require("eventsource");
const token = process.env.BENCH_TOKEN;
let count = 0;

const source = new EventSource(process.argv[2], {
  fetch: (input, init) =>
    fetch(input, { ...init, headers: { ...init.headers, Authorization: `Bearer ${token}` } }),
});
source.onmessage = (event) => {
  JSON.parse(event.data);
  count += 1;
};
source.addEventListener("scope-destroyed", () => {
  source.close();
  process.stderr.write(`${count}\n`);
});
source.onerror = (error) => {
  source.close();
  process.stderr.write(`eventsource error: ${error.message ?? error}\n`);
  process.exitCode = 1;
};

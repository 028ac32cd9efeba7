// The ws-frames bench's subscribers, in a process of their own: opens `count` WebSockets to the server and
// tells the parent when every socket has received tick k's message (it only counts; parsing is the clients' cost).
import WebSocket from 'ws';

const [url, countText] = process.argv.slice(2);
const count = Number(countText);
const received = new Map();
let open = 0;
for (let i = 0; i < count; i++) {
  const socket = new WebSocket(url);
  socket.on('open', () => void (++open === count && process.send({ type: 'ready' })));
  socket.on('message', (data) => {
    // Each message starts with {"id":"<tick>:…: the tick's number is what is counted.
    const text = data.toString('latin1', 0, 24);
    const tick = Number(text.slice(7, text.indexOf(':', 7)));
    const n = (received.get(tick) ?? 0) + 1;
    received.set(tick, n);
    if (n === count) {
      received.delete(tick);
      process.send({ type: 'tick', tick, at: performance.timeOrigin + performance.now() });
    }
  });
  socket.on('error', (error) => process.send({ type: 'error', error: String(error) }));
}

/** Reads the data of `event: next` messages of a GraphQL-over-SSE response as they arrive, as sent. */
export async function* sseData(response: Response): AsyncGenerator<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split('\n').find((line) => line.startsWith('data:'));
      if (block.includes('event: next') && data) yield data.slice(5).trimStart();
    }
  }
}

/** Reads `event: next` messages of a GraphQL-over-SSE response as they arrive. */
export async function* sseMessages(response: Response): AsyncGenerator<Record<string, any>> { // any: ad-hoc payloads checked by the assertions
  for await (const data of sseData(response)) yield JSON.parse(data);
}

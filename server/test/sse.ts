/** Reads `event: next` messages of a GraphQL-over-SSE response as they arrive. */
export async function* sseMessages(response: Response): AsyncGenerator<Record<string, any>> { // any: ad-hoc payloads checked by the assertions
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
      if (block.includes('event: next') && data) yield JSON.parse(data.slice(5));
    }
  }
}

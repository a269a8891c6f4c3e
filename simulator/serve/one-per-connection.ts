/**
 * Requests pipelined on one connection are handled one after another, in the order they came. Node hands every
 * request of one read to the app at once (answers still leave in order), so a lookup pipelined after a create
 * ran while the create was still reading its body, and missed what it made.
 */
type Env = { incoming?: { socket?: object } } | undefined;

export function onePerConnection(
  fetch: (request: Request) => Promise<Response>,
): (request: Request, env?: Env) => Promise<Response> {
  // The last request of each connection still being handled; none once it is done (most connections).
  const tails = new WeakMap<object, Promise<unknown>>();
  return (request, env) => {
    const socket = env?.incoming?.socket;
    if (!socket) return fetch(request);
    const tail = tails.get(socket);
    const turn = tail ? tail.then(() => fetch(request)) : fetch(request);
    const settled = turn.then(
      () => undefined,
      () => undefined,
    );
    tails.set(socket, settled);
    void settled.then(() => {
      if (tails.get(socket) === settled) tails.delete(socket);
    });
    return turn;
  };
}

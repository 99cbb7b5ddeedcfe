import type { Env, MiddlewareHandler } from 'hono';

/**
 * Several middleware run as one: each still its own concern and factory, but Hono composes
 * them as a single layer. Hono's `compose` gives every layer an async dispatch of its own
 * (a promise, a closure and turns of the microtask queue); for middleware that only prepare
 * a request (name it, set headers) that was a good part of what a status poll cost.
 *
 * The layers run in order. A layer that goes on by returning `next()` itself costs nothing
 * more. A layer that answers (returns a Response) has it set as `c.res`, as Hono's `compose`
 * would. An error thrown by a layer leaves the whole sequence at once, to Hono's error
 * handler: so a layer that needs to see errors of the layers after it (an access log)
 * belongs outside, as a Hono layer of its own.
 */
export function sequence<E extends Env>(...layers: MiddlewareHandler<E>[]): MiddlewareHandler<E> {
  return (c, next) => {
    let index = 0;
    const step = (): Promise<void> => {
      const layer = layers[index++];
      if (!layer) return next();
      let onward: Promise<void> | undefined;
      const result = layer(c, () => (onward = step()));
      if (result === onward) return onward;
      return Promise.resolve(result).then((response) => {
        if (response && !c.finalized) c.res = response;
      });
    };
    return step();
  };
}

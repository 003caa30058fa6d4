import { ForegroundRequests } from './foreground-requests';

describe('ForegroundRequests', () => {
  it('lets a yield go after a turn when no request is in flight', async () => {
    const requests = new ForegroundRequests();
    const t0 = performance.now();
    await requests.yield();
    expect(performance.now() - t0).toBeLessThan(40);
  });

  it('holds a yield while a request is in flight and lets it go when the request ends', async () => {
    const requests = new ForegroundRequests();
    const end = requests.begin();
    let released = false;
    const yielded = requests.yield().then(() => (released = true));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(released).toBe(false);

    end();
    await yielded;
    expect(released).toBe(true);
    expect(requests.busy).toBe(false);
  });

  it('counts each request once, however often its end is reported', async () => {
    const requests = new ForegroundRequests();
    const first = requests.begin();
    const second = requests.begin();
    first();
    first();
    expect(requests.busy).toBe(true);
    second();
    expect(requests.busy).toBe(false);
  });

  it('never holds a yield for good: a request that does not end lets folding go on after a while', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    try {
      const requests = new ForegroundRequests();
      requests.begin();
      let released = false;
      const yielded = requests.yield().then(() => (released = true));
      await new Promise((resolve) => setImmediate(resolve));
      jest.advanceTimersByTime(49);
      await Promise.resolve();
      expect(released).toBe(false);
      jest.advanceTimersByTime(1);
      await yielded;
      expect(released).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});

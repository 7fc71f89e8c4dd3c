// The session: logged in with login(), kept alive while the page is open, forgotten on fault 2.
// Its id is kept in sessionStorage (this tab only) and sent in XML-RPC bodies, never in a URL.
import { call, multicall, Fault, FAULT_SESSION } from './xmlrpc.js';

const RPC_URL = new URL('RPC2', document.baseURI).href;
const SESSION_KEY = 'pyctd.session';
const USER_KEY = 'pyctd.user';

export class SessionLost extends Error {
  constructor(cause) {
    super('the session has ended', { cause });
    this.name = 'SessionLost';
  }
}

export class Api {
  /** onLost(reason) is called once when the server no longer knows the session. */
  constructor(onLost) {
    this.session = sessionStorage.getItem(SESSION_KEY);
    this.user = sessionStorage.getItem(USER_KEY) ?? '';
    this.onLost = onLost;
    this.lastCall = 0;
  }

  get loggedIn() {
    return this.session !== null;
  }

  /** login(user, password), or login() alone, which only a server with --auth none accepts. */
  async login(user, password) {
    const id = await call(RPC_URL, 'login', user === undefined ? [] : [user, password]);
    this.session = id;
    this.user = user ?? '';
    sessionStorage.setItem(SESSION_KEY, id);
    sessionStorage.setItem(USER_KEY, this.user);
    this.lastCall = Date.now();
    return id;
  }

  async logout() {
    const session = this.session;
    this.forget();
    if (session) await call(RPC_URL, 'logout', [session]).catch(() => {});
  }

  forget() {
    this.session = null;
    sessionStorage.removeItem(SESSION_KEY);
    sessionStorage.removeItem(USER_KEY);
  }

  /** method(session, ...params). */
  call(method, ...params) {
    return this.guard(() => call(RPC_URL, method, [this.session, ...params]));
  }

  /** Several calls in one request, each given (method, params without the session); entries are {value} or {fault}. */
  multicall(calls) {
    return this.guard(async () => {
      const results = await multicall(RPC_URL, calls.map(([method, params]) => [method, [this.session, ...params]]));
      const lost = results.find((r) => r.fault?.code === FAULT_SESSION);
      if (lost) throw lost.fault;
      return results;
    });
  }

  async guard(request) {
    const session = this.session;
    if (session === null) throw new SessionLost();
    this.lastCall = Date.now();
    try {
      return await request();
    } catch (error) {
      if (error instanceof Fault && error.code === FAULT_SESSION) {
        if (this.session === session) {
          this.forget();
          this.onLost(error);
        }
        throw new SessionLost(error);
      }
      throw error;
    }
  }
}

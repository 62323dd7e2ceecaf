/**
 * The module contract: what a module (geography, plans, displacement, access, and the ones to
 * come) gives the rest of Liptako. Core knows modules only through this interface; the one list
 * of modules is the composition root, src/modules.ts. See CONTRIBUTING.md, "Adding a module".
 */
import type { CatalogueEntry } from './errors.js';
import type { Queryable } from './db.js';
import type { AppContext, LiptakoApp } from './http-kit.js';

/** Verbs core's own routes declare (health, OpenAPI, the documentation viewer). */
export const CORE_VERBS: readonly string[] = ['system.read'];

/** A page of the web app's navigation. The web keeps its own list (web/src/modules.ts); a test keeps both in step. */
export interface NavigationEntry {
  /** `module`: a top-level section (label `nav.modules.<id>`); `admin`: an administration page (`nav.adminPages.<id>`). */
  kind: 'module' | 'admin';
  id: string;
  path: string;
  /** The verb a user needs to use the page. */
  verb: string;
}

/** Loads the module's demo data through its ordinary imports; loading twice changes nothing. */
export interface DemoLoader {
  /** Shown beside the progress bar: `demo <label>`. */
  label: string;
  /** Returns the lines `liptako demo` prints about what was loaded. */
  load(db: Queryable, onProgress: (done: number, total: number) => void): Promise<string[]>;
}

/** Long work the module runs as job rows (core/jobs.ts). */
export interface ModuleJobs {
  /** The `kind` of the module's job rows. */
  kinds: readonly string[];
  /**
   * At start-up, before serving: mark the module's jobs cut short by a crash as interrupted and
   * sweep what they staged. Returns the ids of the interrupted jobs.
   */
  recover?(db: Queryable): Promise<number[]>;
}

/**
 * Who holds a secret sent in the URL itself (`/v1/key/{token}/…`: phones configured by QR code
 * send no header). Null when the secret is unknown or revoked. The guard asks it for routes that
 * declare `config: { pathToken: true }`. Core does not know principals: the guard accepts only
 * what access recognises as a path-token holder (an app user), never a user or the system.
 */
export type PathTokenResolver = (db: Queryable, token: string) => Promise<{ readonly kind: string } | null>;

export interface LiptakoModule {
  /** Stable name, also the owner shown in catalogue conflicts. */
  name: string;
  /**
   * App-wide hooks installed before any route is registered, e.g. the access guard, which must
   * see every route (core's and every module's) to refuse those that declare no verb.
   */
  install?(app: LiptakoApp, context: AppContext): void;
  /** Registers the module's routes; each module gets its own Fastify scope. */
  routes(app: LiptakoApp, context: AppContext): void;
  /** The module's entries of the error catalogue (its messages files). */
  catalogue: readonly Readonly<Record<string, CatalogueEntry>>[];
  /**
   * The verbs the module's routes declare (roles stay in the database and in access/verbs.ts).
   * A route declaring a verb its module did not list makes buildApp throw.
   */
  verbs: readonly string[];
  jobs?: ModuleJobs;
  pathToken?: PathTokenResolver;
  demo?: DemoLoader;
  navigation?: readonly NavigationEntry[];
  /**
   * Before serving: throws (a message for the operator) when this process cannot work with the
   * database as it is, e.g. personal data sealed with keys this process was not given.
   */
  checkAtStart?(db: Queryable): Promise<void>;
  /**
   * GET paths of published answers worth computing before anyone asks (each published operation's
   * DTM API and HAPI answers): a serving process asks them of itself after start-up and again
   * after each publication (core/http.ts keepPublishedAnswersWarm), so the first caller is
   * answered from the cache. Anonymous requests: public answers only.
   */
  publishedPaths?(db: Queryable): Promise<readonly string[]>;
}

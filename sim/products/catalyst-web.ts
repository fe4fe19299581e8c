// Source: openova-io/openova products/catalyst/bootstrap/ui/nginx.conf (console) and
// core/marketplace/nginx.conf (marketplace): nginx on 8080, `/healthz` → 200 "ok", SPA fallback
// `try_files $uri $uri/ /index.html`, asset locations without fallback (a missing bundle is nginx's
// 404), and on the console `/api/` proxied to catalyst-api. nginx serves its files whatever state
// its upstream is in, so `ready` changes nothing here.
import { answer, isRead, nginxError, pathOf, text } from './answers.js';
import type { ProductAnswer, ProductContext, ProductModel, ProductRequest, ProductState } from './types.js';

export interface StaticFile {
  type: string;
  body: string;
}

/** The files the image ships; a fault may replace a bundle (a planted forbidden literal). */
export interface CatalystWebState extends ProductState {
  files: Map<string, StaticFile>;
}

interface Site {
  title: string;
  /** Exact `location = /healthz` on the console, prefix `location /healthz` on the marketplace. */
  healthzExact: boolean;
  /** Regex locations for assets: a miss is a 404, not the SPA shell. */
  assets: RegExp;
  /** Prefix locations without fallback. */
  assetDirs: string[];
  proxiesApi: boolean;
  bundle: string;
}

const CONSOLE: Site = { title: 'Sovereign Console', healthzExact: true, assets: /\.(js|css|png|jpg|svg|woff2|ico)$/i, assetDirs: [], proxiesApi: true, bundle: '/assets/index-Bq3xY7d1.js' };
// The marketplace's `/api/*` is org-services' gateway (its own HTTPRoute rule upstream): here the model's next hop.
const MARKETPLACE: Site = { title: 'Marketplace', healthzExact: false, assets: /\.(png|jpg|jpeg|gif|ico|svg|woff|woff2|ttf|eot)$/i, assetDirs: ['/_astro/'], proxiesApi: true, bundle: '/_astro/hoisted-C4k9LmQa.js' };

function shell(site: Site): Map<string, StaticFile> {
  const index = `<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="UTF-8" />\n    <title>${site.title}</title>\n    <script type="module" crossorigin src="${site.bundle}"></script>\n  </head>\n  <body>\n    <div id="app"></div>\n  </body>\n</html>\n`;
  return new Map([
    ['/index.html', { type: 'text/html', body: index }],
    [site.bundle, { type: 'application/javascript', body: 'document.getElementById("app").dataset.ready="1";\n' }],
  ]);
}

function serveFile(file: StaticFile | undefined): ProductAnswer {
  return file ? answer(200, file.type, file.body, { server: 'nginx' }) : nginxError(404);
}

async function handleSite(site: Site, req: ProductRequest, ctx: ProductContext<CatalystWebState>): Promise<ProductAnswer> {
  const path = pathOf(req);
  if (site.healthzExact ? path === '/healthz' : path.startsWith('/healthz')) return text(200, 'ok', { server: 'nginx' });
  if (site.proxiesApi && path.startsWith('/api/')) return ctx.upstream ? ctx.upstream(req) : nginxError(502);
  if (!isRead(req)) return nginxError(405);
  const files = ctx.state.files;
  if (site.assets.test(path) || site.assetDirs.some((dir) => path.startsWith(dir))) return serveFile(files.get(path));
  const file = files.get(path) ?? files.get(`${path.replace(/\/$/, '')}/index.html`);
  if (file) return serveFile(file);
  // The SPA's own routes: what it renders there (the journeys' pages in this world), else its shell.
  if (ctx.upstream) {
    const rendered = await ctx.upstream(req);
    if (rendered.status !== 404 && rendered.status !== 421) return rendered;
  }
  return serveFile(files.get('/index.html'));
}

function model(product: string, workload: RegExp, site: Site): ProductModel<CatalystWebState> {
  return {
    product,
    component: 'catalyst-platform',
    workload,
    ports: [8080],
    listensWhileNotReady: true,
    initialState: () => ({ ready: true, files: shell(site) }),
    handle: (req, ctx) => handleSite(site, req, ctx),
  };
}

export const catalystConsole = model('catalyst-console', /(^|-)(ui|console)(-|$)/, CONSOLE);
export const catalystMarketplace = model('catalyst-marketplace', /(^|-)marketplace(-|$)/, MARKETPLACE);

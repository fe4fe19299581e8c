/**
 * Debian's Chromium trusting the target's CA (`--ca-file`) without turning certificate checks
 * off: the CA goes into a per-run NSS database (certutil, Debian's libnss3-tools) under a HOME of
 * the browser's own, which Chromium on Linux reads as `$HOME/.pki/nssdb`. Chain, name and
 * validity are still checked, so a certificate the CA did not sign, or one it signed for another
 * name, still fails the journey.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { SetupError } from '../../target/errors.js';
import { scratchDir, type ScratchDir } from '../../run/scratch.js';

export const CHROMIUM = '/usr/bin/chromium';
const QUIET_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** A HOME whose NSS database trusts every certificate of `caFile` as a CA for TLS servers. */
function nssHome(caFile: string): ScratchDir {
  const certs = readFileSync(caFile, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (!certs.length) throw new SetupError(`--ca-file ${caFile} holds no PEM certificate`);
  const scratch = scratchDir('sw-browser-home');
  const home = scratch.path;
  const db = `sql:${join(home, '.pki', 'nssdb')}`;
  mkdirSync(join(home, '.pki', 'nssdb'), { recursive: true });
  const certutil = (args: string[]) => execFileSync('certutil', ['-d', db, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    certutil(['-N', '--empty-password']);
    certs.forEach((pem, i) => {
      const file = join(home, `ca-${i}.pem`);
      writeFileSync(file, `${pem}\n`);
      certutil(['-A', '-t', 'C,,', '-n', `sovereign-walk-ca-${i}`, '-i', file]);
    });
  } catch (e) {
    scratch.remove();
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') throw new SetupError('the browser trusts --ca-file through an NSS database: certutil is missing (apt-get install libnss3-tools)');
    throw new SetupError(`certutil could not add --ca-file ${caFile} to the browser's NSS database: ${String(err.stderr ?? err.message).trim().split('\n').pop()}`);
  }
  return scratch;
}

export interface LaunchedChromium {
  browser: Browser;
  /** Closes the browser and removes its trust store. */
  close(): Promise<void>;
}

export async function launchChromium(caFile: string | undefined, args: string[] = []): Promise<LaunchedChromium> {
  const home = caFile ? nssHome(caFile) : undefined;
  try {
    // The walk owns its stop signals (it reverts faults and writes its reports, then exits 128+n);
    // Playwright's own SIGINT handler would exit the walk with 130 first. Chromium runs in a
    // process group of its own and is killed when the walk exits (Playwright's exit hook).
    const noSignals = { handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false };
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...QUIET_FLAGS, ...args], ...noSignals, ...(home ? { env: { ...process.env, HOME: home.path } } : {}) });
    return {
      browser,
      close: async () => {
        await browser.close();
        home?.remove();
      },
    };
  } catch (e) {
    home?.remove();
    throw e;
  }
}

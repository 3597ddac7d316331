import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import type { BrowserAvailability } from './browser-pool.types.ts';

/** Names Chromium goes by on Linux distributions, in the order they are tried on PATH. */
export const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

const INSTALL_HINT = 'install Chromium (`apt install chromium`) or set CHROMIUM_PATH';

export type ChromiumLocation = { available: true; path: string } | { available: false; reason: string };

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Finds the system Chromium: CHROMIUM_PATH when set (and then only it), else the first of CHROMIUM_NAMES
 * in a PATH directory. Never downloads a browser, never runs a shell.
 */
export function findChromium(
  chromiumPath: string | null | undefined,
  searchPath = process.env.PATH ?? '',
): ChromiumLocation {
  if (chromiumPath) {
    return isExecutableFile(chromiumPath)
      ? { available: true, path: chromiumPath }
      : {
          available: false,
          reason: `Chromium was not found: CHROMIUM_PATH=${chromiumPath} is not an executable file; ${INSTALL_HINT}`,
        };
  }
  const dirs = searchPath.split(path.delimiter).filter(Boolean);
  for (const name of CHROMIUM_NAMES)
    for (const dir of dirs) {
      const file = path.join(dir, name);
      if (isExecutableFile(file)) return { available: true, path: file };
    }
  return { available: false, reason: `Chromium was not found: ${INSTALL_HINT}` };
}

export function availabilityOf(location: ChromiumLocation): BrowserAvailability {
  return location.available ? { available: true } : { available: false, reason: location.reason };
}

import type { EngineArtifact } from '../engine.ts';
import type { Lhr } from './lhr.ts';

/** Each screenshot format Lighthouse embeds, with the extension its artifact name takes. */
const IMAGE_TYPES: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

/** The image in a base64 `data:` URL, as Lighthouse embeds screenshots; null for anything else. */
export function imageOf(dataUrl: unknown): { contentType: string; ext: string; data: Buffer } | null {
  if (typeof dataUrl !== 'string') return null;
  const m = /^data:(image\/[a-z]+);base64,(.*)$/s.exec(dataUrl);
  const ext = m ? IMAGE_TYPES[m[1]!] : undefined;
  if (!m || !ext) return null;
  return { contentType: m[1]!, ext, data: Buffer.from(m[2]!, 'base64') };
}

export interface FilmstripFrame {
  /** Since navigation start. */
  timingMs: number;
  /** The artifact holding the frame. */
  artifact: string;
}

interface Thumbnail {
  timing?: unknown;
  data?: unknown;
}

/** The screenshot-thumbnails audit's frames as artifacts `filmstrip-0.jpg` …, in time order. */
export function filmstripOf(lhr: Lhr): { frames: FilmstripFrame[]; artifacts: EngineArtifact[] } {
  const items = (lhr.audits['screenshot-thumbnails']?.details?.items ?? []) as Thumbnail[];
  const frames: FilmstripFrame[] = [];
  const artifacts: EngineArtifact[] = [];
  for (const item of items) {
    const image = imageOf(item.data);
    if (!image || typeof item.timing !== 'number') continue;
    const name = `filmstrip-${frames.length}.${image.ext}`;
    const timingMs = Math.round(item.timing);
    frames.push({ timingMs, artifact: name });
    artifacts.push({
      name,
      contentType: image.contentType,
      data: image.data,
      label: `Filmstrip at ${(timingMs / 1000).toFixed(1)} s`,
    });
  }
  return { frames, artifacts };
}

/** The page as it looked when Lighthouse finished loading it (final-screenshot audit). */
export function finalScreenshotOf(lhr: Lhr): EngineArtifact | null {
  const image = imageOf(lhr.audits['final-screenshot']?.details?.data);
  if (!image) return null;
  return {
    name: `final-screenshot.${image.ext}`,
    contentType: image.contentType,
    data: image.data,
    label: 'Final screenshot',
  };
}

/**
 * Lighthouse's own reports of the reported run: its HTML viewer and the full result (JSON). The HTML one
 * comes first: the store keeps files in order until the test's byte cap, and the viewer (which embeds
 * the result) is what a user opens.
 */
export function reportArtifacts(
  json: string,
  html: string,
): { html: EngineArtifact[]; json: EngineArtifact[] } {
  const file = (name: string, contentType: string, text: string, label: string): EngineArtifact[] =>
    text ? [{ name, contentType, data: Buffer.from(text, 'utf8'), label }] : [];
  return {
    html: file('lighthouse-report.html', 'text/html; charset=utf-8', html, 'Lighthouse report'),
    json: file('lighthouse-report.json', 'application/json', json, 'Lighthouse result (JSON)'),
  };
}

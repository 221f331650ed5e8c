/**
 * The built dashboard (Vite, `dist/ui`): its files are few and small, so they
 * are read once at start, gzipped once, and served from memory with
 * immutable cache headers (their names carry a content hash). The manifest
 * tells which files an entry needs.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { acceptsGzip } from '../accepts-gzip.js';
import { sendError } from '../errors.js';

export type UiEntry = 'dashboard' | 'admin' | 'pages';

interface ManifestChunk {
  file: string;
  css?: string[];
  imports?: string[];
  isEntry?: boolean;
  name?: string;
}

interface Asset {
  body: Buffer;
  gzipped: Buffer | null;
  type: string;
}

export interface EntryTags {
  scripts: string[];
  styles: string[];
}

export interface UiAssets {
  readonly built: boolean;
  tags(entry: UiEntry): EntryTags;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** Vite's input names for the entries (vite.config.ts `input`) */
const ENTRY_SOURCES: Record<UiEntry, string> = {
  dashboard: 'src/dashboard/main.tsx',
  admin: 'src/admin/main.tsx',
  pages: 'src/pages/pages.css',
};

export type LoadedUiAssets = UiAssets & { files: ReadonlyMap<string, Asset> };

export function loadUiAssets(uiDir: string): LoadedUiAssets {
  const manifestPath = path.join(uiDir, '.vite', 'manifest.json');
  const files = new Map<string, Asset>();
  if (!existsSync(manifestPath)) {
    return { built: false, files, tags: () => ({ scripts: [], styles: [] }) };
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, ManifestChunk>;
  for (const name of readdirSync(uiDir)) {
    const full = path.join(uiDir, name);
    if (!statSync(full).isFile()) continue;
    const body = readFileSync(full);
    const type = TYPES[path.extname(name)] ?? 'application/octet-stream';
    const compressible = /^(text|application\/json|image\/svg)/.test(type);
    files.set(name, { body, gzipped: compressible ? gzipSync(body, { level: 9 }) : null, type });
  }

  const tagsCache = new Map<UiEntry, EntryTags>();
  return {
    built: true,
    files,
    tags(entry) {
      const cached = tagsCache.get(entry);
      if (cached) return cached;
      const chunk = manifest[ENTRY_SOURCES[entry]];
      if (!chunk) throw new Error(`the UI build has no entry ${ENTRY_SOURCES[entry]}: rebuild with npm run build:ui`);
      const styles = new Set<string>();
      const collectCss = (c: ManifestChunk, seen: Set<ManifestChunk>) => {
        if (seen.has(c)) return;
        seen.add(c);
        for (const css of c.css ?? []) styles.add(`/assets/${css}`);
        for (const imported of c.imports ?? []) {
          const next = manifest[imported];
          if (next) collectCss(next, seen);
        }
      };
      collectCss(chunk, new Set());
      if (chunk.file.endsWith('.css')) styles.add(`/assets/${chunk.file}`);
      const scripts = chunk.file.endsWith('.js') ? [`/assets/${chunk.file}`] : [];
      const tags = { scripts, styles: [...styles] };
      tagsCache.set(entry, tags);
      return tags;
    },
  };
}

export async function assetRoutes(app: FastifyInstance, { assets }: { assets: LoadedUiAssets }) {
  // the dashboard's files, no part of the JSON API: hidden from /api/openapi.json
  const options = { compress: false as const, schema: { hide: true } };
  app.get<{ Params: { file: string } }>('/assets/:file', options, async (request, reply) => {
    const asset = assets.files.get(request.params.file);
    if (!asset) return sendError(reply, 'not_found', 'no such asset');
    reply.header('cache-control', 'public, max-age=31536000, immutable');
    reply.header('vary', 'accept-encoding');
    reply.type(asset.type);
    if (asset.gzipped && acceptsGzip(request.headers['accept-encoding'])) {
      reply.header('content-encoding', 'gzip');
      return reply.send(asset.gzipped);
    }
    return reply.send(asset.body);
  });
}

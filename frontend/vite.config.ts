/**
 * Builds src/index.ts (the part panel, and the part category page's import panel) into one
 * ES module, ../inventree_commerce_sync/inventree/static/CommerceSyncPanel.js, which the
 * built package ships (so no Node.js where it is installed).
 * React and Mantine are InvenTree's own, read from the window globals its frontend sets
 * (as InvenTree's plugin-creator template does), so the bundle holds only this plugin's code.
 * The banner records a hash of the sources; tests/test_panel_bundle.py checks it is current.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { viteExternalsPlugin } from 'vite-plugin-externals';

const here = import.meta.dirname;

export const externalLibs: Record<string, string> = {
    react: 'React',
    'react-dom': 'ReactDOM',
    '@mantine/core': 'MantineCore',
};

/** The files the bundle is made from; tests/test_panel_bundle.py lists the same. */
export function sourceFiles(): string[] {
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)]);
    return [...walk(join(here, 'src')), join(here, 'package-lock.json'), join(here, 'vite.config.ts')]
        .map((file) => relative(here, file).split('\\').join('/'))
        .sort();
}

export function sourcesHash(): string {
    const hash = createHash('sha256');
    for (const file of sourceFiles()) {
        hash.update(file + '\0');
        hash.update(readFileSync(join(here, file)));
        hash.update('\0');
    }
    return hash.digest('hex');
}

/** Puts the sources' hash on the bundle's first line, after minifying (which drops comments). */
function sourcesBanner(): Plugin {
    return {
        name: 'sources-banner',
        apply: 'build',
        enforce: 'post',
        generateBundle(_options, bundle) {
            for (const chunk of Object.values(bundle)) {
                if (chunk.type === 'chunk') {
                    chunk.code = `/* inventree-commerce-sync part panel, built from frontend/ (npm run build); `
                        + `sources sha256 ${sourcesHash()} */\n${chunk.code}`;
                }
            }
        },
    };
}

export default defineConfig(({ command }) => ({
    plugins: command === 'build' ? [viteExternalsPlugin(externalLibs), sourcesBanner()] : [],
    esbuild: { jsx: 'transform', jsxFactory: 'React.createElement', jsxFragment: 'React.Fragment' },
    build: {
        outDir: '../inventree_commerce_sync/inventree/static',
        emptyOutDir: false,
        target: 'es2022',
        minify: true,
        lib: {
            entry: join(here, 'src/index.ts'),
            formats: ['es'],
            fileName: () => 'CommerceSyncPanel.js',
        },
        rollupOptions: { external: Object.keys(externalLibs) },
    },
    test: { environment: 'node', include: ['tests/**/*.test.{ts,tsx}'] },
}));

// @vitest-environment jsdom
import React from 'react';
import { MantineProvider } from '@mantine/core';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { renderImportPanel, type ImportContext } from '../src/ImportPanel';
import type { ImportApi, ImportList } from '../src/importing';
import { product } from './products';

const urls = { target: 'Magento 2', import_url: '/plugin/m/catalogue/import/', locations_url: '/api/stock/location/',
               part_url: '/web/part/' };
const locations = { count: 1, results: [{ pk: 5, name: 'Shelf', pathstring: 'Store/Shelf' }] };

function api(list: ImportList | Error, post?: ImportApi['post']): ImportApi {
    return {
        get: vi.fn((url: string) => {
            if (url === urls.locations_url) {
                return Promise.resolve({ data: locations });
            }
            return list instanceof Error ? Promise.reject(list) : Promise.resolve({ data: list });
        }) as ImportApi['get'],
        post: post ?? vi.fn(),
    };
}

function mount(client: ImportApi, navigate = vi.fn()) {
    const context: ImportContext = { api: client, id: 12, model: 'partcategory', navigate,
                                     instance: { name: 'Imported', pathstring: 'Shop/Imported' }, context: urls };
    return render(<MantineProvider>{renderImportPanel(context)}</MantineProvider>);
}

beforeAll(() => {
    window.matchMedia ??= ((query: string) => ({
        matches: false, media: query, onchange: null, addListener: () => {}, removeListener: () => {},
        addEventListener: () => {}, removeEventListener: () => {}, dispatchEvent: () => false,
    })) as unknown as typeof window.matchMedia;
    globalThis.ResizeObserver ??= class { observe() {} unobserve() {} disconnect() {} } as never;
    Element.prototype.scrollIntoView ??= () => {};
});

afterEach(cleanup);

describe('the import panel of a part category page', () => {
    it('lists the unlinked products, imports the chosen ones into this category and links the new parts', async () => {
        const products = [product('A-1', { name: 'Alpha' }), product('B-2', { name: 'Beta', quantity: null, managed: false }),
                          product('C-3', { name: 'Gamma' })];
        const post = vi.fn().mockResolvedValue({ data: { created: [{ sku: 'A-1', part: 41, stock_item: null },
                                                                    { sku: 'C-3', part: 42, stock_item: null }],
                                                         refused: [] } });
        const client = api({ count: 3, products }, post);
        const navigate = vi.fn();
        mount(client, navigate);
        expect(await screen.findByText('Alpha')).toBeTruthy();
        expect(screen.getByText('Shop/Imported')).toBeTruthy();
        expect(screen.getByText('not tracked')).toBeTruthy();
        expect(screen.getByRole('button', { name: /Import/ }).hasAttribute('disabled')).toBe(true);
        fireEvent.click(screen.getByLabelText('Select A-1'));
        fireEvent.click(screen.getByLabelText('Select C-3'));
        expect(screen.getByText(/3 of 3 products shown, 2 selected/)).toBeTruthy();
        fireEvent.click(screen.getByRole('button', { name: 'Import 2 products' }));
        expect(await screen.findByText('2 parts created')).toBeTruthy();
        // InvenTree's client gives up after 5 s: reading and importing thousands takes longer
        expect(post).toHaveBeenCalledWith(urls.import_url, { skus: ['A-1', 'C-3'], category: 12, location: null },
                                          { timeout: 300_000 });
        expect(client.get).toHaveBeenCalledWith(urls.import_url, { timeout: 300_000 });
        const link = screen.getByText('C-3', { selector: 'a' });
        expect(link.getAttribute('href')).toBe('/web/part/42/details');
        fireEvent.click(link);
        expect(navigate).toHaveBeenCalledWith('/part/42/details');
        // the list is read again (the imported products are no longer in it)
        await waitFor(() => expect((client.get as ReturnType<typeof vi.fn>).mock.calls
            .filter(([url]) => url === urls.import_url).length).toBe(2));
    });

    it('filters a long list, selects every filtered product across pages, and sends the chosen location', async () => {
        const products = Array.from({ length: 1200 }, (_, i) => product(`P-${i}`, { name: i < 60 ? 'Mug' : 'Plate' }));
        const post = vi.fn().mockResolvedValue({ data: { created: [], refused: [{ sku: 'P-0', error: 'held by a part' }] } });
        mount(api({ count: 1200, products }, post));
        expect(await screen.findByText('P-0')).toBeTruthy();
        expect(screen.queryByText('P-50')).toBeNull(); // 50 a page
        fireEvent.change(screen.getByLabelText('Filter'), { target: { value: 'mug' } });
        expect(screen.getByText(/60 of 1200 products shown/)).toBeTruthy();
        fireEvent.click(screen.getByRole('button', { name: 'Select all shown' }));
        expect(screen.getByText(/60 selected/)).toBeTruthy();
        fireEvent.click(screen.getAllByLabelText('Initial stock in location (optional)')[0]);
        fireEvent.click(await screen.findByText('Store/Shelf'));
        fireEvent.click(screen.getByRole('button', { name: 'Import 60 products' }));
        expect(await screen.findByText('Nothing was imported')).toBeTruthy();
        expect(screen.getByText('P-0: not imported: held by a part')).toBeTruthy();
        const body = post.mock.calls[0][1];
        expect([body.skus.length, body.skus[59], body.category, body.location]).toEqual([60, 'P-59', 12, 5]);
    }, 30_000); // 50 rows of Mantine in jsdom, on a loaded machine

    it('links the first 20 new parts of a large import and counts the others', async () => {
        const products = Array.from({ length: 30 }, (_, i) => product(`P-${i}`));
        const created = products.map((p, i) => ({ sku: p.sku, part: 100 + i, stock_item: 200 + i }));
        const post = vi.fn().mockResolvedValue({ data: { created, refused: [], seconds: 1.5 } });
        mount(api({ count: 30, products }, post));
        fireEvent.click(await screen.findByRole('button', { name: 'Select all shown' }));
        fireEvent.click(screen.getByRole('button', { name: 'Import 30 products' }));
        expect(await screen.findByText('30 parts created, 30 with an initial stock item in 1.5 s')).toBeTruthy();
        expect(screen.getByText('P-19', { selector: 'a' }).getAttribute('href')).toBe('/web/part/119/details');
        expect(screen.queryByText('P-20', { selector: 'a' })).toBeNull();
        expect(screen.getByText("and 10 more: this category's Parts tab lists them all")).toBeTruthy();
    }, 30_000);

    it('says when the shop cannot be read, and reads it again on Retry', async () => {
        const client = api(Object.assign(new Error('x'), { response: { status: 400, data: { error: 'Magento 2: connection refused' } } }));
        mount(client);
        expect(await screen.findByText('Could not read the products of Magento 2')).toBeTruthy();
        expect(screen.getByText('Magento 2: connection refused')).toBeTruthy();
        fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
        await waitFor(() => expect((client.get as ReturnType<typeof vi.fn>).mock.calls
            .filter(([url]) => url === urls.import_url).length).toBe(2));
    });

    it('says when there is nothing to import', async () => {
        mount(api({ count: 0, products: [] }));
        expect(await screen.findByText('Nothing to import')).toBeTruthy();
        expect(screen.queryByRole('button', { name: /Import/ })).toBeNull();
    });

    it('shows a refused import (a bad location) as an error, creating nothing', async () => {
        const post = vi.fn().mockRejectedValue({ response: { status: 400, data: { error: "stock location '9' does not exist" } } });
        mount(api({ count: 1, products: [product('A-1')] }, post));
        fireEvent.click(await screen.findByLabelText('Select A-1'));
        fireEvent.click(screen.getByRole('button', { name: 'Import 1 product' }));
        expect(await screen.findByText('Import refused: nothing was created')).toBeTruthy();
        expect(screen.getByText("stock location '9' does not exist")).toBeTruthy();
    });

    it('does not claim nothing was created when the import got no answer, and reads the list again', async () => {
        const post = vi.fn().mockRejectedValue({ message: 'timeout of 5000ms exceeded' });
        const client = api({ count: 1, products: [product('A-1')] }, post);
        mount(client);
        fireEvent.click(await screen.findByLabelText('Select A-1'));
        fireEvent.click(screen.getByRole('button', { name: 'Import 1 product' }));
        expect(await screen.findByText('No answer to the import')).toBeTruthy();
        expect(screen.getByText('timeout of 5000ms exceeded')).toBeTruthy();
        expect(screen.queryByText(/nothing was created/)).toBeNull();
        await waitFor(() => expect((client.get as ReturnType<typeof vi.fn>).mock.calls
            .filter(([url]) => url === urls.import_url).length).toBe(2));
    });
});

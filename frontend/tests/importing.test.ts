import { describe, expect, it } from 'vitest';

import {
    filterProducts,
    importBody,
    importFailure,
    importOutcome,
    kindText,
    listFailure,
    locationChoices,
    pageCount,
    pageOf,
    PAGE_SIZE,
    partLink,
    quantityText,
    selectAll,
    selectionState,
    toggle,
} from '../src/importing';
import { product } from './products';

const many = Array.from({ length: 1234 }, (_, i) => product(`SKU-${String(i).padStart(4, '0')}`,
    { name: i % 2 ? 'Blue mug' : 'Red plate' }));

describe('the list of unlinked products', () => {
    it('is filtered by every word in SKU, name or kind, letter case ignored', () => {
        expect(filterProducts(many, '').length).toBe(1234);
        expect(filterProducts(many, 'blue').length).toBe(617);
        expect(filterProducts(many, 'MUG sku-000').map((p) => p.sku)).toEqual(
            ['SKU-0001', 'SKU-0003', 'SKU-0005', 'SKU-0007', 'SKU-0009']);
        expect(filterProducts(many, 'variable')).toEqual([]);
    });

    it('is paged, 50 a page, a page past the end showing the last', () => {
        expect(PAGE_SIZE).toBe(50);
        expect(pageCount(1234)).toBe(25);
        expect(pageCount(0)).toBe(1);
        expect(pageOf(many, 1).map((p) => p.sku)[0]).toBe('SKU-0000');
        expect(pageOf(many, 2)[0].sku).toBe('SKU-0050');
        expect(pageOf(many, 25).length).toBe(34);
        expect(pageOf(many, 99)[0].sku).toBe('SKU-1200');
        expect(pageOf([], 3)).toEqual([]);
    });

    it('says a variation\'s parent and an untracked quantity', () => {
        expect(kindText(product('V-1', { kind: 'variation', parent_sku: 'T-1' }))).toBe('variation, variation of T-1');
        expect(kindText(product('S', { kind: '' }))).toBe('product');
        expect(quantityText(product('S'))).toBe('4');
        expect(quantityText(product('S', { managed: false, quantity: null }))).toBe('not tracked');
    });
});

describe('the selection', () => {
    it('selects all shown (every filtered product, not only the page), some, or none', () => {
        const blue = filterProducts(many, 'blue');
        let selected = selectAll(new Set(), blue, true);
        expect(selected.size).toBe(617);
        expect(selectionState(selected, blue)).toBe('all');
        expect(selectionState(selected, many)).toBe('some');
        selected = toggle(selected, 'SKU-0001');
        expect(selected.has('SKU-0001')).toBe(false);
        expect(selectionState(selected, blue)).toBe('some');
        selected = toggle(selected, 'SKU-0001');
        expect(selected.has('SKU-0001')).toBe(true);
        expect(selectionState(selectAll(selected, blue, false), blue)).toBe('none');
    });

    it('is sent in the list\'s order with the page\'s category and the location as a number', () => {
        const products = [product('A'), product('B'), product('C')];
        expect(importBody(products, new Set(['C', 'A', 'GONE']), 12, '5')).toEqual(
            { skus: ['A', 'C'], category: 12, location: 5 });
        expect(importBody(products, new Set(['B']), 12, null)).toEqual({ skus: ['B'], category: 12, location: null });
    });
});

describe('what an import came to', () => {
    it('counts the parts created and those with stock, and lists each refusal', () => {
        expect(importOutcome({ created: [{ sku: 'A', part: 1, stock_item: 9 }, { sku: 'B', part: 2, stock_item: null }],
                               refused: [], seconds: 0.42 })).toEqual(
            { color: 'green', title: 'Imported', lines: ['2 parts created, 1 with an initial stock item in 0.42 s'] });
        const mixed = importOutcome({ created: [{ sku: 'A', part: 1, stock_item: null }],
                                      refused: [{ sku: 'X', error: 'held by a part' }] });
        expect(mixed.color).toBe('yellow');
        expect(mixed.lines).toEqual(['1 part created', 'X: not imported: held by a part']);
        const none = importOutcome({ created: [], refused: [{ sku: 'X', error: 'not on the shop' }] });
        expect([none.color, none.title]).toEqual(['red', 'Nothing was imported']);
    });

    it('tells a refused import (nothing created) from one without an answer (maybe created)', () => {
        const refused = importFailure({ response: { status: 400, data: { error: 'category is missing' } } });
        expect([refused.color, refused.title, refused.lines]).toEqual(
            ['red', 'Import refused: nothing was created', ['category is missing']]);
        for (const lost of [{ message: 'timeout of 5000ms exceeded' }, { response: { status: 502, data: {} } }]) {
            const outcome = importFailure(lost);
            expect([outcome.color, outcome.title]).toEqual(['yellow', 'No answer to the import']);
            expect(outcome.lines[1]).toMatch(/may have been created/);
        }
    });

    it('links each new part to its page', () => {
        expect(partLink('/web/part/', 17)).toBe('/web/part/17/details');
        expect(partLink('/web/part', 17)).toBe('/web/part/17/details');
    });

    it('words an unreachable shop with the server\'s error', () => {
        const failed = listFailure('Magento 2', { response: { status: 400, data: { error: 'Magento 2: connection refused' } } });
        expect(failed).toEqual({ color: 'red', title: 'Could not read the products of Magento 2',
                                 lines: ['Magento 2: connection refused'] });
    });
});

describe('the location picker', () => {
    it('offers InvenTree\'s locations by path, from a page or a list', () => {
        const page = { count: 2, results: [{ pk: 3, name: 'Shelf', pathstring: 'Store/Shelf' }, { pk: 4, name: 'Bin' }] };
        expect(locationChoices(page)).toEqual([{ value: '3', label: 'Store/Shelf' }, { value: '4', label: 'Bin' }]);
        expect(locationChoices([{ pk: 5, name: 'Yard' }, { name: 'no pk' }])).toEqual([{ value: '5', label: 'Yard' }]);
        expect(locationChoices(null)).toEqual([]);
    });
});

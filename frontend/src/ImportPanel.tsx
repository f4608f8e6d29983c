/**
 * The part category page's "Import from <shop>" panel: the shop's products that no part
 * holds (filtered and paged, so a catalogue of thousands stays usable), chosen by checkbox,
 * imported as parts of this category, optionally with the shop's quantity as an initial
 * stock item in a chosen location; then what was created (with links to the new parts) and
 * what was refused, per SKU. The server does the work (POST catalogue/import/).
 */
import React, { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
    Alert, Anchor, Button, Checkbox, Group, List, Loader, Pagination, Select, Stack, Table, Text, TextInput,
} from '@mantine/core';

import {
    emptyOutcome,
    filterProducts,
    importBody,
    type ImportAnswer,
    type ImportApi,
    importFailure,
    type ImportList,
    importOutcome,
    type ImportUrls,
    IMPORT_TIMEOUT_MS,
    kindText,
    LINKED_PARTS,
    listFailure,
    type LocationChoice,
    locationChoices,
    pageCount,
    pageOf,
    partLink,
    partRoute,
    quantityText,
    selectAll,
    selectionState,
    toggle,
} from './importing';
import type { Outcome } from './logic';
import { OutcomeAlert } from './widgets';

/** The parts of InvenTree's plugin context this panel reads (the page is a part category's). */
export interface ImportContext {
    api: ImportApi;
    id?: number | string | null;
    model?: string;
    instance?: { name?: string; pathstring?: string } | null;
    navigate?: (to: string) => void;
    context?: ImportUrls;
}

const LOCATIONS_SHOWN = 25;

export function ImportPanel({ context }: { context: ImportContext }) {
    const urls = context.context;
    const [list, setList] = useState<ImportList | null>(null);
    const [listError, setListError] = useState<Outcome | null>(null);
    const [query, setQuery] = useState('');
    const [page, setPage] = useState(1);
    const [selected, setSelected] = useState<Set<string>>(new Set());
    const [location, setLocation] = useState<string | null>(null);
    const [locations, setLocations] = useState<LocationChoice[]>([]);
    const [locationSearch, setLocationSearch] = useState('');
    const [importing, setImporting] = useState(false);
    const [result, setResult] = useState<{ outcome: Outcome; answer?: ImportAnswer } | null>(null);
    const top = useRef<HTMLDivElement>(null);

    useEffect(() => { // the Import button is below the list: bring its result into view
        if (result) {
            top.current?.scrollIntoView?.({ block: 'nearest' });
        }
    }, [result]);

    const load = useCallback(() => {
        if (!urls) {
            return;
        }
        setListError(null);
        setList(null);
        context.api.get<ImportList>(urls.import_url, { timeout: IMPORT_TIMEOUT_MS })
            .then((response) => setList(response.data))
            .catch((error) => setListError(listFailure(urls.target, error)));
    }, [context.api, urls?.import_url, urls?.target]);

    useEffect(load, [load]);

    useEffect(() => {
        if (!urls) {
            return;
        }
        const params: Record<string, unknown> = { limit: LOCATIONS_SHOWN, ordering: 'pathstring' };
        if (locationSearch.trim()) {
            params.search = locationSearch.trim();
        }
        context.api.get(urls.locations_url, { params })
            .then((response) => setLocations((chosen) => merged(locationChoices(response.data), chosen, location)))
            .catch(() => setLocations((chosen) => chosen));
    }, [context.api, urls?.locations_url, locationSearch]);

    const shown = useMemo(() => filterProducts(list?.products ?? [], query), [list, query]);
    const rows = pageOf(shown, page);

    const runImport = useCallback(() => {
        if (!urls || !list || context.id === undefined || context.id === null) {
            return;
        }
        setImporting(true);
        setResult(null);
        context.api.post<ImportAnswer>(urls.import_url, importBody(list.products, selected, context.id, location),
                                       { timeout: IMPORT_TIMEOUT_MS })
            .then((response) => {
                setResult({ outcome: importOutcome(response.data), answer: response.data });
                setSelected((before) => selectAll(before, response.data.created, false));
                load();
            })
            .catch((error) => {
                setResult({ outcome: importFailure(error) });
                const status: number | undefined = error?.response?.status;
                if (!status || status >= 500) { // the parts may exist: the list says which
                    setSelected(new Set());
                    load();
                }
            })
            .finally(() => setImporting(false));
    }, [context.api, urls?.import_url, list, selected, context.id, location, load]);

    if (!urls) {
        return <Alert color='red' title='Panel misconfigured'>The plugin sent no URLs for this panel.</Alert>;
    }
    const category = context.instance?.pathstring || context.instance?.name || `category ${context.id}`;
    const state = selectionState(selected, shown);
    return (
        <Stack gap='sm' ref={top}>
            <Text size='sm'>
                Products on {urls.target} whose SKU no part holds. The chosen ones become parts of <b>{category}</b> (name,
                description, IPN = SKU, salable, the shop's price), linked to {urls.target} at once. Nothing is
                changed on the shop.
            </Text>
            {result && <ImportResult result={result} urls={urls} navigate={context.navigate} onClose={() => setResult(null)} />}
            {listError && (
                <Stack gap='xs'>
                    <OutcomeAlert outcome={listError} onClose={() => setListError(null)} />
                    <Group><Button variant='outline' onClick={load}>Retry</Button></Group>
                </Stack>
            )}
            {!list && !listError && (
                <Group gap='xs'><Loader size='sm' /><Text size='sm'>Reading the products of {urls.target}...</Text></Group>
            )}
            {list && list.count === 0 && (
                <Alert color='blue' title={emptyOutcome(urls.target).title}>
                    <Stack gap='xs'>
                        <Text size='sm'>{emptyOutcome(urls.target).lines[0]}</Text>
                        <Group><Button size='xs' variant='outline' onClick={load}>Read the shop again</Button></Group>
                    </Stack>
                </Alert>
            )}
            {list && list.count > 0 && (
                <>
                    <Group gap='sm' align='end'>
                        <TextInput label='Filter' placeholder='SKU, name or kind' value={query} w={260}
                                   onChange={(event) => { setQuery(event.currentTarget.value); setPage(1); }} />
                        <Text size='sm'>
                            {shown.length} of {list.count} product{list.count === 1 ? '' : 's'} shown, {selected.size} selected
                        </Text>
                        <Button size='xs' variant='outline' onClick={() => setSelected(selectAll(selected, shown, true))}
                                disabled={!shown.length || state === 'all'}>Select all shown</Button>
                        <Button size='xs' variant='outline' onClick={() => setSelected(new Set())}
                                disabled={!selected.size}>Clear selection</Button>
                    </Group>
                    <Table striped withTableBorder highlightOnHover>
                        <Table.Thead>
                            <Table.Tr>
                                <Table.Th w={40}>
                                    <Checkbox aria-label='Select all shown' checked={state === 'all'}
                                              indeterminate={state === 'some'}
                                              onChange={() => setSelected(selectAll(selected, shown, state !== 'all'))} />
                                </Table.Th>
                                <Table.Th>SKU</Table.Th>
                                <Table.Th>Name</Table.Th>
                                <Table.Th>Kind</Table.Th>
                                <Table.Th>Price</Table.Th>
                                <Table.Th>Quantity</Table.Th>
                            </Table.Tr>
                        </Table.Thead>
                        <Table.Tbody>
                            {rows.map((product) => (
                                <Table.Tr key={product.sku}>
                                    <Table.Td>
                                        <Checkbox aria-label={`Select ${product.sku}`} checked={selected.has(product.sku)}
                                                  onChange={() => setSelected(toggle(selected, product.sku))} />
                                    </Table.Td>
                                    <Table.Td>{product.sku}</Table.Td>
                                    <Table.Td>{product.name}</Table.Td>
                                    <Table.Td>{kindText(product)}</Table.Td>
                                    <Table.Td>{product.price ?? '-'}</Table.Td>
                                    <Table.Td>{quantityText(product)}</Table.Td>
                                </Table.Tr>
                            ))}
                        </Table.Tbody>
                    </Table>
                    {!rows.length && <Text size='sm'>No product matches the filter.</Text>}
                    {shown.length > rows.length && (
                        <Pagination total={pageCount(shown.length)} value={Math.min(page, pageCount(shown.length))}
                                    onChange={setPage} size='sm' />
                    )}
                    <Group gap='sm' align='end'>
                        <Select label='Initial stock in location (optional)' w={320} searchable clearable
                                placeholder='No stock: the parts start empty' data={locations} value={location}
                                onChange={setLocation} searchValue={locationSearch} onSearchChange={setLocationSearch}
                                nothingFoundMessage='No such stock location' />
                        <Button onClick={runImport} loading={importing} disabled={!selected.size}>
                            Import {selected.size || ''} product{selected.size === 1 ? '' : 's'}
                        </Button>
                    </Group>
                    {!location && selected.size > 0 && (
                        <Text size='xs' c='dimmed'>
                            Without a location the new parts hold no stock, and the next push sets them to 0
                            on {urls.target}.
                        </Text>
                    )}
                </>
            )}
        </Stack>
    );
}

/** The chosen location stays among the choices while another search shows other locations. */
function merged(found: LocationChoice[], before: LocationChoice[], chosen: string | null): LocationChoice[] {
    const kept = before.find((choice) => choice.value === chosen);
    return kept && !found.some((choice) => choice.value === chosen) ? [kept, ...found] : found;
}

function ImportResult({ result, urls, navigate, onClose }: {
    result: { outcome: Outcome; answer?: ImportAnswer }; urls: ImportUrls; navigate?: (to: string) => void;
    onClose: () => void;
}) {
    const created = result.answer?.created ?? [];
    const more = created.length - LINKED_PARTS;
    return (
        <Stack gap={4}>
            <OutcomeAlert outcome={result.outcome} onClose={onClose} />
            {created.length > 0 && (
                <List size='sm'>
                    {created.slice(0, LINKED_PARTS).map((row) => {
                        const href = partLink(urls.part_url, row.part);
                        return (
                            <List.Item key={row.sku}>
                                <Anchor href={href} size='sm' onClick={(event) => {
                                    if (navigate) {
                                        event.preventDefault();
                                        navigate(partRoute(row.part));
                                    }
                                }}>{row.sku}</Anchor>
                                {row.stock_item !== null ? ' (with stock)' : ''}
                            </List.Item>
                        );
                    })}
                    {more > 0 && <List.Item>and {more} more: this category's Parts tab lists them all</List.Item>}
                </List>
            )}
        </Stack>
    );
}

/** Called by InvenTree (get_ui_panels' source "...:renderImportPanel") with the plugin context. */
export function renderImportPanel(context: ImportContext) {
    return <ImportPanel context={context} />;
}

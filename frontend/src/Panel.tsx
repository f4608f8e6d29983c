/**
 * The part panel of the commerce sync plugins: this part's sync status on one target,
 * "Sync now" and "Test connection" with their results in place, the CSV of every part
 * not in sync, and the shop's orders (OrdersBlock.tsx). Built with InvenTree's own React
 * and Mantine, which InvenTree provides at run time (see vite.config.ts), so the bundle
 * holds only this plugin's code.
 */
import React, { useCallback, useEffect, useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, Loader, Stack, Table, Text } from '@mantine/core';

import {
    absoluteUrl,
    afterSync,
    checkOutcome,
    failureOutcome,
    locationExplanations,
    offerLines,
    type Outcome,
    quantityLines,
    statusBadge,
    statusLines,
    syncOutcome,
} from './logic';
import { OrdersBlock } from './OrdersBlock';
import { RepairsBlock } from './RepairsBlock';
import type { RepairsStatus, ShipmentsStatus } from './repairs';
import type { CheckPayload, PluginContext, StatusPayload, SyncPayload } from './types';
import { LinesTable, OutcomeAlert } from './widgets';

export function CommerceSyncPanel({ context }: { context: PluginContext }) {
    const urls = context.context;
    const partId = context.id;
    const [status, setStatus] = useState<StatusPayload | null>(null);
    const [loadError, setLoadError] = useState<Outcome | null>(null);
    const [syncResult, setSyncResult] = useState<Outcome | null>(null);
    const [checkResult, setCheckResult] = useState<Outcome | null>(null);
    const [syncing, setSyncing] = useState(false);
    const [checking, setChecking] = useState(false);

    const load = useCallback(() => {
        if (!urls) {
            return;
        }
        setLoadError(null);
        context.api.get<StatusPayload>(urls.status_url, { params: { part: partId } })
            .then((response) => setStatus(response.data))
            .catch((error) => setLoadError(failureOutcome('Could not load the sync status', error)));
    }, [context.api, urls?.status_url, partId]);

    useEffect(load, [load]);

    const syncNow = useCallback(() => {
        if (!urls) {
            return;
        }
        setSyncing(true);
        setSyncResult(null);
        context.api.post<SyncPayload>(urls.sync_url, { part: partId })
            .then((response) => {
                setStatus((previous) => (previous ? afterSync(previous, response.data) : previous));
                setSyncResult(syncOutcome(response.data));
            })
            .catch((error) => setSyncResult(failureOutcome('Sync now failed', error)))
            .finally(() => setSyncing(false));
    }, [context.api, urls?.sync_url, partId]);

    const testConnection = useCallback(() => {
        if (!urls) {
            return;
        }
        setChecking(true);
        setCheckResult(null);
        context.api.post<CheckPayload>(urls.check_url, {})
            .then((response) => setCheckResult(checkOutcome(response.data)))
            .catch((error) => setCheckResult(failureOutcome('Test connection failed', error)))
            .finally(() => setChecking(false));
    }, [context.api, urls?.check_url]);

    if (!urls) {
        return <Alert color='red' title='Panel misconfigured'>The plugin sent no URLs for this panel.</Alert>;
    }
    if (loadError) {
        return (
            <Stack gap='xs'>
                <OutcomeAlert outcome={loadError} onClose={() => setLoadError(null)} />
                <Group><Button variant='outline' onClick={load}>Retry</Button></Group>
            </Stack>
        );
    }
    if (!status) {
        return <Group gap='xs'><Loader size='sm' /><Text size='sm'>Loading sync status...</Text></Group>;
    }

    const row = status.parts[0];
    const badge = row ? statusBadge(row) : null;
    const checked = repairsOf(status);
    const places = row ? locationExplanations(row) : [];
    return (
        <Stack gap='sm'>
            {status.warnings.map((warning) => (
                <Alert color='yellow' title='Warning' key={warning}>{warning}</Alert>
            ))}
            {status.dry_run && (
                <Alert color='blue' title='Dry run'>
                    Nothing is written to {urls.target}: the status shows what would be pushed.
                </Alert>
            )}
            {status.last_error && (
                <Alert color='red' title='Last sync error'>{status.last_error}</Alert>
            )}
            {status.orders_stale && (
                <Alert color='yellow' title='Orders are stale'>
                    The last push could not read the shop's new orders first, so a sale made there may
                    not be counted yet: {status.orders_stale}
                </Alert>
            )}
            {row && badge ? (
                <>
                    <LinesTable lines={statusLines(row, context.locale)}>
                        <Table.Tr>
                            <Table.Th w='30%'>Status</Table.Th>
                            <Table.Td><Badge color={badge.color} variant='filled'>{badge.label}</Badge></Table.Td>
                        </Table.Tr>
                    </LinesTable>
                    {row.last_error && <Alert color='red' title='Error for this part'>{row.last_error}</Alert>}
                    {row.linked && <LinesTable lines={quantityLines(row, status)} />}
                    {row.linked && row.offer && (
                        <>
                            <Text size='sm' fw={500}>How this number was made</Text>
                            <LinesTable lines={offerLines(row.offer)} />
                        </>
                    )}
                    {row.linked && places.length > 0 && (
                        <>
                            <Text size='sm' fw={500}>How this number was made, per location</Text>
                            {places.map((place) => (
                                <Stack gap={4} key={place.title}>
                                    <Text size='sm'>{place.title}</Text>
                                    <LinesTable lines={place.lines} />
                                </Stack>
                            ))}
                        </>
                    )}
                </>
            ) : (
                <Alert color='gray' title='No status'>No status for this part.</Alert>
            )}
            <Group gap='sm'>
                <Button onClick={syncNow} loading={syncing} disabled={!row?.linked}>Sync now</Button>
                <Button variant='outline' onClick={testConnection} loading={checking}>Test connection</Button>
                <Anchor href={absoluteUrl(urls.csv_url, context.host)} size='sm'>
                    Parts not in sync (CSV)
                </Anchor>
            </Group>
            {syncResult && <OutcomeAlert outcome={syncResult} onClose={() => setSyncResult(null)} />}
            {checkResult && <OutcomeAlert outcome={checkResult} onClose={() => setCheckResult(null)} />}
            {status.orders && (
                <OrdersBlock orders={status.orders} api={context.api} host={context.host} locale={context.locale}
                             sku={row?.sku} reload={load} />
            )}
            {checked.repairs && (
                <RepairsBlock repairs={checked.repairs} shipments={checked.shipments}
                              api={context.api} host={context.host} locale={context.locale} sku={row?.sku}
                              reload={load} />
            )}
        </Stack>
    );
}

/** The status' repair history and shipments (absent from a plugin version before them). */
function repairsOf(status: StatusPayload): { repairs?: RepairsStatus; shipments?: ShipmentsStatus } {
    return status as { repairs?: RepairsStatus; shipments?: ShipmentsStatus };
}

/** Called by InvenTree (get_ui_panels' source "...:renderPanel") with the plugin context. */
export function renderPanel(context: PluginContext) {
    return <CommerceSyncPanel context={context} />;
}

/**
 * Part page panel of the commerce sync plugins (InvenTree UI plugin API, 1.x).
 *
 * Shows the sync status of this part for one target, with "Sync now" and links to the
 * CSV of every part not in sync and to "Test connection". The URLs come from the
 * plugin's get_ui_panels() context; the requests go through data.api (InvenTree's axios
 * instance, which carries the session and CSRF token).
 */

function escapeHtml(value) {
    if (value === null || value === undefined) {
        return "";
    }
    return String(value)
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;");
}

function statusTable(row, dryRun) {
    if (!row) {
        return "<p>No status for this part.</p>";
    }
    const lines = [
        ["SKU", row.sku || `(not linked: ${row.reason || "no SKU"})`],
        ["Status", row.status + (dryRun ? " (dry run: nothing is written)" : "")],
        ["Quantity to push", row.quantity],
        ["Last pushed quantity", row.pushed_quantity],
        ["Would push / pending", row.pending_quantity],
        ["Remote id", row.remote_id],
        ["Attempts", row.attempts],
        ["Last error", row.last_error],
        ["Last attempt", row.last_attempt],
        ["Last success", row.last_success],
    ];
    return "<table class='table'>" + lines
        .map(([label, value]) => `<tr><th style="text-align:left;padding-right:1em">${escapeHtml(label)}</th>`
            + `<td>${escapeHtml(value)}</td></tr>`)
        .join("") + "</table>";
}

export function renderCommerceSyncPanel(target, data) {
    if (!target) {
        return;
    }
    const ctx = data.context || {};
    const partId = data.id;

    function show(payload, message) {
        const row = (payload.parts || [])[0];
        target.innerHTML = `
            <h4>${escapeHtml(ctx.target)}</h4>
            ${(payload.warnings || []).map((w) => `<p style="color:#b45309">&#9888; ${escapeHtml(w)}</p>`).join("")}
            ${payload.last_error ? `<p style="color:#c00">${escapeHtml(payload.last_error)}</p>` : ""}
            ${message ? `<p>${escapeHtml(message)}</p>` : ""}
            ${statusTable(row, payload.dry_run)}
            <p>
              <button type="button" data-action="sync">Sync now</button>
              <button type="button" data-action="check">Test connection</button>
              <a href="${escapeHtml(ctx.csv_url)}">Parts not in sync (CSV)</a>
            </p>
            <pre data-role="check" style="white-space:pre-wrap"></pre>`;
        target.querySelector("[data-action=sync]").onclick = syncNow;
        target.querySelector("[data-action=check]").onclick = checkConnection;
    }

    function fail(error) {
        const detail = error?.response?.data?.error || error?.message || String(error);
        target.innerHTML = `<p style="color:#c00">${escapeHtml(detail)}</p>`;
    }

    function load() {
        data.api.get(ctx.status_url, {params: {part: partId}})
            .then((response) => show(response.data))
            .catch(fail);
    }

    function syncNow() {
        target.querySelector("[data-action=sync]").disabled = true;
        data.api.post(ctx.sync_url, {part: partId})
            .then((response) => show({...response.data, dry_run: response.data.parts?.[0]?.dry_run},
                                     response.data.summary))
            .catch(fail);
    }

    function checkConnection() {
        const out = target.querySelector("[data-role=check]");
        out.textContent = "Testing...";
        data.api.post(ctx.check_url, {})
            .then((response) => {
                const result = response.data;
                out.textContent = (result.ok ? "OK" : "FAILED") + (result.url ? ` ${result.url}` : "")
                    + "\n" + (result.details || []).join("\n");
            })
            .catch((error) => { out.textContent = error?.message || String(error); });
    }

    target.innerHTML = "<p>Loading...</p>";
    load();
}

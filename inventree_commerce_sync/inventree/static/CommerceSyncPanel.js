/* inventree-commerce-sync part panel, built from frontend/ (npm run build); sources sha256 547da49fdc4e37f079cacf4f6f586d2764fab40225a8364c4a850d704dda644f */
const se = {
  synced: { label: "In sync", color: "green" },
  pending: { label: "Pending", color: "yellow" },
  dry_run: { label: "Dry run", color: "blue" },
  not_found: { label: "Not found on target", color: "orange" },
  skipped: { label: "Skipped", color: "orange" },
  error: { label: "Error", color: "red" },
  never_synced: { label: "Never synced", color: "gray" },
  unlinked: { label: "Not linked", color: "gray" }
};
function ae(e) {
  return e.status === "synced" && !e.in_sync ? { label: "Changed since last push", color: "yellow" } : se[e.status] ?? { label: e.status.replace(/_/g, " "), color: "gray" };
}
function $(e, t) {
  if (!e)
    return "-";
  const n = new Date(e);
  return Number.isNaN(n.getTime()) ? e : n.toLocaleString(t ? t.replace("_", "-") : void 0);
}
function T(e) {
  return e == null || e === "" ? "-" : String(e);
}
function ie(e, t) {
  return [
    { label: "SKU", value: e.linked ? T(e.sku) : `Not linked: ${e.reason || "no SKU"}` },
    { label: "Remote id", value: T(e.remote_id) },
    { label: "Attempts", value: T(e.attempts) },
    { label: "Last attempt", value: $(e.last_attempt, t) },
    { label: "Last success", value: $(e.last_success, t) }
  ];
}
const ce = {
  in_stock: "in stock",
  available: "available (in stock less allocated)"
};
function ue(e, t) {
  const n = [];
  return t.quantity_basis && n.push({ label: "Counted as", value: ce[t.quantity_basis] ?? t.quantity_basis }), t.buffer !== void 0 && t.buffer !== null && n.push({ label: "Safety buffer", value: t.buffer }), n.push(
    { label: "Quantity to push", value: T(e.quantity) },
    { label: "Last pushed", value: T(e.pushed_quantity) },
    { label: e.dry_run ? "Would push" : "Pending", value: T(e.pending_quantity) }
  ), n;
}
function de(e, t) {
  return {
    ...e,
    last_error: t.last_error,
    parts: t.parts.length ? t.parts : e.parts
  };
}
function me(e) {
  const t = e.parts[0];
  return t?.last_error && !t.in_sync ? { color: "red", title: "Sync did not succeed", lines: [t.last_error] } : t?.dry_run ? { color: "blue", title: "Dry run: nothing was written", lines: [e.summary ?? "nothing to do"] } : { color: "green", title: "Synced", lines: [e.summary ?? "nothing to do"] };
}
function ge(e) {
  const t = e.url ? ` (${e.url})` : "";
  return {
    color: e.ok ? "green" : "red",
    title: e.ok ? `Connection works${t}` : `Connection failed${t}`,
    lines: e.details ?? []
  };
}
function re(e) {
  const t = e ?? {}, n = t.response?.data;
  if (n && typeof n == "object") {
    const r = n, c = r.error ?? r.detail;
    if (typeof c == "string" && c)
      return c;
  }
  return t.response?.status ? `The server answered HTTP ${t.response.status}` : t.message || String(e);
}
function B(e, t) {
  return { color: "red", title: e, lines: [re(t)] };
}
function F(e, t) {
  return !t || /^https?:\/\//.test(e) ? e : t.replace(/\/+$/, "") + e;
}
const x = 5;
function he(e) {
  return e.import_enabled ? e.dry_run ? { label: "Dry run", color: "blue" } : { label: "Importing", color: "green" } : { label: "Import off", color: "gray" };
}
function fe(e, t) {
  if (!e.webhook)
    return "none: orders are polled";
  const n = e.webhook_registration;
  return n ? `registered ${$(n.at, t)}` : "not registered by this plugin (polling still runs)";
}
function pe(e, t) {
  const n = e.last_seen, r = e.needs_attention_count ?? e.needs_attention.length;
  return [
    { label: "Last order seen", value: n ? `${n.number} (changed ${$(n.modified, t)})` : "-" },
    { label: "Orders imported", value: String(e.imported) },
    { label: "Needing attention", value: String(r) },
    { label: "Last poll", value: $(e.last_poll, t) },
    { label: "Last audit", value: $(e.last_audit, t) },
    { label: "Webhook", value: fe(e, t) }
  ];
}
function we(e, t) {
  return !!t && (e.includes(`'${t}'`) || e.includes(`"${t}"`));
}
function be(e, t) {
  const n = e.needs_attention.map((l) => {
    const g = [...l.problems, ...l.flag ? [l.flag] : []], p = l.sales_order_reference ? ` - sales order ${l.sales_order_reference}` : "";
    return {
      key: l.order_id,
      title: `Order ${l.number}${p}${l.problems.length ? " (held)" : " (flagged)"}`,
      lines: g,
      thisPart: g.some((m) => we(m, t))
    };
  }), r = [...n.filter((l) => l.thisPart), ...n.filter((l) => !l.thisPart)], c = e.needs_attention_count ?? n.length;
  return { items: r.slice(0, x), more: Math.max(0, c - Math.min(x, r.length)) };
}
const ye = {
  create: "would create a sales order",
  update: "would change the lines",
  cancel: "would cancel the sales order",
  flag: "would be flagged",
  skip: "would be skipped",
  unchanged: "nothing to change"
};
function $e(e) {
  return [...e.would_import].reverse().slice(0, x).map((t) => {
    const n = t.lines.map((l) => `${l.quantity} x ${l.sku}`).join(", "), r = t.held ? `, held: ${t.problems.join("; ")}` : "", c = t.flag ? ` (${t.flag})` : "";
    return `${t.number}: ${ye[t.action] ?? t.action}${c}${n ? `: ${n}` : ""}${r}`;
  });
}
function oe(e) {
  const t = e.warnings ?? [];
  if (e.registered) {
    const n = (e.webhooks ?? []).map((r) => `${r.topic ?? "webhook"}: ${r.action ?? "registered"}` + (r.id !== void 0 && r.id !== null ? ` (id ${r.id})` : ""));
    return {
      color: "green",
      title: "Webhook registered",
      lines: [
        `Delivery URL: ${e.delivery_url ?? "-"}`,
        ...n,
        ...e.secret_generated ? ["A webhook secret was generated and stored in the plugin settings."] : [],
        ...t
      ]
    };
  }
  return {
    color: e.instructions ? "yellow" : "red",
    title: e.instructions ? "Set up the webhook by hand" : "The webhook was not registered",
    lines: [...e.error ? [e.error] : [], ...e.instructions ? [e.instructions] : [], ...t]
  };
}
function ke(e) {
  const t = e?.response?.data;
  return t && typeof t == "object" && "registered" in t ? oe(t) : { color: "red", title: "Register webhook failed", lines: [re(e)] };
}
const _ = window.React, Ee = window.MantineCore.Alert, M = window.MantineCore.Table, _e = window.MantineCore.Text;
function R({ outcome: e, onClose: t }) {
  return /* @__PURE__ */ _.createElement(Ee, { color: e.color, title: e.title, withCloseButton: !0, onClose: t }, e.lines.map((n, r) => /* @__PURE__ */ _.createElement(_e, { size: "sm", key: r }, n)));
}
function O({ lines: e, children: t }) {
  return /* @__PURE__ */ _.createElement(M, { striped: !0, withTableBorder: !0, withColumnBorders: !0 }, /* @__PURE__ */ _.createElement(M.Tbody, null, t, e.map((n) => /* @__PURE__ */ _.createElement(M.Tr, { key: n.label }, /* @__PURE__ */ _.createElement(M.Th, { w: "30%" }, n.label), /* @__PURE__ */ _.createElement(M.Td, null, n.value)))));
}
const i = window.React, Ce = window.React.useCallback, V = window.React.useState, D = window.MantineCore.Alert, Se = window.MantineCore.Anchor, Te = window.MantineCore.Badge, ve = window.MantineCore.Button, H = window.MantineCore.Group, L = window.MantineCore.List, Y = window.MantineCore.Stack, K = window.MantineCore.Text, Me = window.MantineCore.Title;
function Re({ orders: e, api: t, host: n, locale: r, sku: c, reload: l }) {
  const [g, p] = V(!1), [m, w] = V(null), h = Ce(() => {
    e.register_webhook_url && (p(!0), w(null), t.post(e.register_webhook_url, {}).then((u) => {
      w(oe(u.data)), l();
    }).catch((u) => w(ke(u))).finally(() => p(!1)));
  }, [t, e.register_webhook_url, l]), k = he(e), b = be(e, c), E = e.dry_run ? $e(e) : [];
  return /* @__PURE__ */ i.createElement(Y, { gap: "xs" }, /* @__PURE__ */ i.createElement(H, { gap: "sm" }, /* @__PURE__ */ i.createElement(Me, { order: 5 }, "Orders"), /* @__PURE__ */ i.createElement(Te, { color: k.color, variant: "light" }, k.label)), /* @__PURE__ */ i.createElement(O, { lines: pe(e, r) }), e.last_error && /* @__PURE__ */ i.createElement(D, { color: "red", title: "Last order import error" }, e.last_error), b.items.length > 0 && /* @__PURE__ */ i.createElement(D, { color: "orange", title: "Orders needing attention" }, /* @__PURE__ */ i.createElement(Y, { gap: 4 }, b.items.map((u) => /* @__PURE__ */ i.createElement("div", { key: u.key }, /* @__PURE__ */ i.createElement(K, { size: "sm", fw: u.thisPart ? 700 : 500 }, u.title), /* @__PURE__ */ i.createElement(L, { size: "sm" }, u.lines.map((s, y) => /* @__PURE__ */ i.createElement(L.Item, { key: y }, s))))), b.more > 0 && /* @__PURE__ */ i.createElement(K, { size: "sm" }, "and ", b.more, " more (see the CSV)"))), E.length > 0 && /* @__PURE__ */ i.createElement(D, { color: "blue", title: "Dry run: would import" }, /* @__PURE__ */ i.createElement(L, { size: "sm" }, E.map((u, s) => /* @__PURE__ */ i.createElement(L.Item, { key: s }, u)))), /* @__PURE__ */ i.createElement(H, { gap: "sm" }, e.register_webhook_url && /* @__PURE__ */ i.createElement(ve, { variant: "outline", onClick: h, loading: g }, "Register webhook"), /* @__PURE__ */ i.createElement(Se, { href: F(e.csv_url, n), size: "sm" }, "Orders needing attention (CSV)")), m && /* @__PURE__ */ i.createElement(R, { outcome: m, onClose: () => w(null) }));
}
const le = 5, Le = {
  repaired: "repaired",
  flagged: "flagged, not written",
  confirmed: "confirmed and written",
  dismissed: "dismissed, not written",
  resolved: "no longer needed"
};
function Ae(e, t) {
  const n = e.last_check, r = n ? `${n.repaired} repaired, ${n.flagged} flagged, ${n.waiting} waiting` + (n.orders_stale ? " (orders could not be read: no figure was raised)" : "") : "no target check yet";
  return [
    { label: "Repaired without asking", value: `up to ${e.limit}` },
    { label: "Last target check", value: n ? `${$(n.at, t)}: ${r}` : r },
    { label: "Repair history", value: `${e.count} record${e.count === 1 ? "" : "s"}` }
  ];
}
function N(e) {
  return e.part_name ? `${e.part_name} (${e.sku})` : e.sku;
}
function Be(e) {
  return `${N(e)}: the shop has ${e.shop_had}, InvenTree wants ${e.wanted}`;
}
function Oe(e, t) {
  return [...e.open_flags.filter((r) => r.sku === t), ...e.open_flags.filter((r) => r.sku !== t)];
}
function Ne(e, t) {
  return e.recent.slice(0, le).map((n) => {
    const r = n.set !== null ? `set to ${n.set}` : `wanted ${n.wanted}`;
    return `${$(n.at, t)} ${N(n)}: shop had ${n.shop_had}, ${r} - ` + (Le[n.outcome] ?? n.outcome);
  });
}
const ze = {
  shipped: "sent to the shop",
  already: "the shop had it already",
  nothing: "nothing to send",
  sending: "being sent",
  failed: "failed",
  dry_run: "dry run: not sent"
};
function Ie(e, t) {
  return e.recent.slice(0, le).map((n) => {
    const r = `${n.sales_order_reference ?? "sales order"} shipment ${n.shipment_reference ?? n.shipment}`, c = ze[n.state ?? ""] ?? n.state ?? "not sent yet";
    if (n.state === "failed") {
      const l = n.retry_at ? `; retried ${$(new Date(n.retry_at * 1e3).toISOString(), t)}` : "; not retried any more";
      return `${r}: ${c} (attempt ${n.attempts ?? 1}): ${n.error ?? ""}${l}`;
    }
    return `${r}: ${c}${n.message ? ` (${n.message})` : ""}`;
  });
}
function Pe(e, t) {
  const n = t.confirmed ?? t.dismissed;
  return e === "confirm" && t.confirmed ? { color: "green", title: "Repair written", lines: [`${N(t.confirmed)} set to ${t.confirmed.set}`] } : {
    color: "blue",
    title: "Flag dismissed",
    lines: n ? [`${N(n)} stays at ${n.shop_had} on the shop until a figure changes`] : []
  };
}
const a = window.React, De = window.React.useCallback, Q = window.React.useState, J = window.MantineCore.Alert, qe = window.MantineCore.Anchor, X = window.MantineCore.Button, Z = window.MantineCore.Group, A = window.MantineCore.List, ee = window.MantineCore.Stack, q = window.MantineCore.Text, te = window.MantineCore.Title;
function Ge({ repairs: e, shipments: t, api: n, host: r, locale: c, sku: l, reload: g }) {
  const [p, m] = Q(null), [w, h] = Q(null), k = De((s, y) => {
    m(`${s}:${y.sku}`), h(null), n.post(
      s === "confirm" ? e.confirm_url : e.dismiss_url,
      { sku: y.sku }
    ).then((v) => {
      h(Pe(s, v.data)), g();
    }).catch((v) => h(B(s === "confirm" ? "Not written" : "Not dismissed", v))).finally(() => m(null));
  }, [n, e.confirm_url, e.dismiss_url, g]), b = Oe(e, l), E = Ne(e, c), u = t ? Ie(t, c) : [];
  return /* @__PURE__ */ a.createElement(ee, { gap: "xs" }, /* @__PURE__ */ a.createElement(te, { order: 5 }, "Target check"), /* @__PURE__ */ a.createElement(O, { lines: Ae(e, c) }), b.length > 0 && /* @__PURE__ */ a.createElement(J, { color: "orange", title: "Repairs waiting for you (beyond the limit: not written)" }, /* @__PURE__ */ a.createElement(ee, { gap: 4 }, b.map((s) => /* @__PURE__ */ a.createElement(Z, { key: s.sku, gap: "sm", justify: "space-between" }, /* @__PURE__ */ a.createElement(q, { size: "sm", fw: s.sku === l ? 700 : 500 }, Be(s)), /* @__PURE__ */ a.createElement(Z, { gap: "xs" }, /* @__PURE__ */ a.createElement(
    X,
    {
      size: "xs",
      onClick: () => k("confirm", s),
      loading: p === `confirm:${s.sku}`
    },
    "Confirm"
  ), /* @__PURE__ */ a.createElement(
    X,
    {
      size: "xs",
      variant: "outline",
      onClick: () => k("dismiss", s),
      loading: p === `dismiss:${s.sku}`
    },
    "Dismiss"
  )))))), w && /* @__PURE__ */ a.createElement(R, { outcome: w, onClose: () => h(null) }), E.length > 0 && /* @__PURE__ */ a.createElement(A, { size: "sm" }, E.map((s, y) => /* @__PURE__ */ a.createElement(A.Item, { key: y }, s))), /* @__PURE__ */ a.createElement(qe, { href: F(e.csv_url, r), size: "sm" }, "Repair history (CSV)"), t && /* @__PURE__ */ a.createElement(a.Fragment, null, /* @__PURE__ */ a.createElement(te, { order: 5 }, "Shipments to the shop"), t.note && /* @__PURE__ */ a.createElement(q, { size: "sm" }, t.note), t.failing > 0 && /* @__PURE__ */ a.createElement(J, { color: "red", title: `${t.failing} shipment(s) not sent yet` }, "The worker retries them; the list below says why they failed."), u.length > 0 ? /* @__PURE__ */ a.createElement(A, { size: "sm" }, u.map((s, y) => /* @__PURE__ */ a.createElement(A.Item, { key: y }, s))) : !t.note && /* @__PURE__ */ a.createElement(q, { size: "sm" }, "No shipment of an imported order yet.")));
}
const o = window.React, G = window.React.useCallback, We = window.React.useEffect, C = window.React.useState, S = window.MantineCore.Alert, Ue = window.MantineCore.Anchor, je = window.MantineCore.Badge, W = window.MantineCore.Button, U = window.MantineCore.Group, xe = window.MantineCore.Loader, ne = window.MantineCore.Stack, j = window.MantineCore.Table, Fe = window.MantineCore.Text;
function Ve({ context: e }) {
  const t = e.context, n = e.id, [r, c] = C(null), [l, g] = C(null), [p, m] = C(null), [w, h] = C(null), [k, b] = C(!1), [E, u] = C(!1), s = G(() => {
    t && (g(null), e.api.get(t.status_url, { params: { part: n } }).then((d) => c(d.data)).catch((d) => g(B("Could not load the sync status", d))));
  }, [e.api, t?.status_url, n]);
  We(s, [s]);
  const y = G(() => {
    t && (b(!0), m(null), e.api.post(t.sync_url, { part: n }).then((d) => {
      c((P) => P && de(P, d.data)), m(me(d.data));
    }).catch((d) => m(B("Sync now failed", d))).finally(() => b(!1)));
  }, [e.api, t?.sync_url, n]), v = G(() => {
    t && (u(!0), h(null), e.api.post(t.check_url, {}).then((d) => h(ge(d.data))).catch((d) => h(B("Test connection failed", d))).finally(() => u(!1)));
  }, [e.api, t?.check_url]);
  if (!t)
    return /* @__PURE__ */ o.createElement(S, { color: "red", title: "Panel misconfigured" }, "The plugin sent no URLs for this panel.");
  if (l)
    return /* @__PURE__ */ o.createElement(ne, { gap: "xs" }, /* @__PURE__ */ o.createElement(R, { outcome: l, onClose: () => g(null) }), /* @__PURE__ */ o.createElement(U, null, /* @__PURE__ */ o.createElement(W, { variant: "outline", onClick: s }, "Retry")));
  if (!r)
    return /* @__PURE__ */ o.createElement(U, { gap: "xs" }, /* @__PURE__ */ o.createElement(xe, { size: "sm" }), /* @__PURE__ */ o.createElement(Fe, { size: "sm" }, "Loading sync status..."));
  const f = r.parts[0], z = f ? ae(f) : null, I = r;
  return /* @__PURE__ */ o.createElement(ne, { gap: "sm" }, r.warnings.map((d) => /* @__PURE__ */ o.createElement(S, { color: "yellow", title: "Warning", key: d }, d)), r.dry_run && /* @__PURE__ */ o.createElement(S, { color: "blue", title: "Dry run" }, "Nothing is written to ", t.target, ": the status shows what would be pushed."), r.last_error && /* @__PURE__ */ o.createElement(S, { color: "red", title: "Last sync error" }, r.last_error), f && z ? /* @__PURE__ */ o.createElement(o.Fragment, null, /* @__PURE__ */ o.createElement(O, { lines: ie(f, e.locale) }, /* @__PURE__ */ o.createElement(j.Tr, null, /* @__PURE__ */ o.createElement(j.Th, { w: "30%" }, "Status"), /* @__PURE__ */ o.createElement(j.Td, null, /* @__PURE__ */ o.createElement(je, { color: z.color, variant: "filled" }, z.label)))), f.last_error && /* @__PURE__ */ o.createElement(S, { color: "red", title: "Error for this part" }, f.last_error), f.linked && /* @__PURE__ */ o.createElement(O, { lines: ue(f, r) })) : /* @__PURE__ */ o.createElement(S, { color: "gray", title: "No status" }, "No status for this part."), /* @__PURE__ */ o.createElement(U, { gap: "sm" }, /* @__PURE__ */ o.createElement(W, { onClick: y, loading: k, disabled: !f?.linked }, "Sync now"), /* @__PURE__ */ o.createElement(W, { variant: "outline", onClick: v, loading: E }, "Test connection"), /* @__PURE__ */ o.createElement(Ue, { href: F(t.csv_url, e.host), size: "sm" }, "Parts not in sync (CSV)")), p && /* @__PURE__ */ o.createElement(R, { outcome: p, onClose: () => m(null) }), w && /* @__PURE__ */ o.createElement(R, { outcome: w, onClose: () => h(null) }), r.orders && /* @__PURE__ */ o.createElement(
    Re,
    {
      orders: r.orders,
      api: e.api,
      host: e.host,
      locale: e.locale,
      sku: f?.sku,
      reload: s
    }
  ), I.repairs && /* @__PURE__ */ o.createElement(
    Ge,
    {
      repairs: I.repairs,
      shipments: I.shipments,
      api: e.api,
      host: e.host,
      locale: e.locale,
      sku: f?.sku,
      reload: s
    }
  ));
}
function He(e) {
  return /* @__PURE__ */ o.createElement(Ve, { context: e });
}
export {
  Ve as CommerceSyncPanel,
  He as renderPanel
};

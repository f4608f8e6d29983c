/* inventree-commerce-sync part panel, built from frontend/ (npm run build); sources sha256 3326b17ea8dacb328dd2310370b7ae1bd3a34f129a633de29403557ecb8c3153 */
const qe = {
  synced: { label: "In sync", color: "green" },
  pending: { label: "Pending", color: "yellow" },
  dry_run: { label: "Dry run", color: "blue" },
  not_found: { label: "Not found on target", color: "orange" },
  skipped: { label: "Skipped", color: "orange" },
  error: { label: "Error", color: "red" },
  never_synced: { label: "Never synced", color: "gray" },
  unlinked: { label: "Not linked", color: "gray" }
};
function Le(e) {
  return e.status === "synced" && !e.in_sync ? { label: "Changed since last push", color: "yellow" } : qe[e.status] ?? { label: e.status.replace(/_/g, " "), color: "gray" };
}
function M(e, t) {
  if (!e)
    return "-";
  const n = new Date(e);
  return Number.isNaN(n.getTime()) ? e : n.toLocaleString(t ? t.replace("_", "-") : void 0);
}
function I(e) {
  return e == null || e === "" ? "-" : String(e);
}
function xe(e, t) {
  return [
    { label: "SKU", value: e.linked ? I(e.sku) : `Not linked: ${e.reason || "no SKU"}` },
    { label: "Remote id", value: I(e.remote_id) },
    { label: "Attempts", value: I(e.attempts) },
    { label: "Last attempt", value: M(e.last_attempt, t) },
    { label: "Last success", value: M(e.last_success, t) }
  ];
}
const Fe = {
  in_stock: "in stock",
  available: "available (in stock less allocated)",
  available_after_open_orders: "available after open orders (in stock less every open sales order)"
};
function Ue(e) {
  return e.startsWith("-") ? e : `+${e}`;
}
function Ie(e) {
  const t = e.steps.map((n, l) => ({
    label: n.label,
    value: l === 0 || n.key === "in_stock" && e.steps[l - 1]?.key === "in_stock" ? n.amount : `${Ue(n.amount)} = ${n.total}`
  }));
  return t.push({ label: "Figure pushed", value: e.quantity }), e.behaviour === "reserves_open_orders" && t.push({ label: "Offered for sale (the shop subtracts its own open orders)", value: e.sellable }), t;
}
function De(e) {
  const t = e.locations ?? [];
  if (!t.length)
    return [];
  const n = t.map((o) => {
    const s = o.offer ? Ie(o.offer) : [{ label: "Figure pushed", value: o.quantity }], d = o.unallocated_share ?? "0";
    return o.unallocated && o.unallocated !== "0" && s.splice(s.findIndex((b) => b.label === "Figure pushed"), 0, {
      label: "Open orders allocated from no location",
      value: `${o.unallocated} in all, taken off once over the locations: ${d} of it here`
    }), s.push(
      { label: "Last pushed", value: I(o.pushed_quantity) },
      { label: "Status", value: Le({ ...e, status: o.status, in_sync: o.in_sync }).label }
    ), o.last_error && s.push({ label: "Error", value: o.last_error }), { title: `${o.location} gets ${o.stock_location.path} (with its sublocations)`, lines: s };
  }), l = [{ label: "Figure pushed, all locations", value: I(e.quantity) }];
  return e.sellable !== void 0 && e.sellable !== e.quantity && l.push({ label: "Offered for sale (the shop subtracts its own open orders)", value: e.sellable }), [...n, { title: "All mapped locations", lines: l }];
}
function Ge(e, t) {
  const n = [];
  return t.quantity_basis && n.push({ label: "Counted as", value: Fe[t.quantity_basis] ?? t.quantity_basis }), t.buffer !== void 0 && t.buffer !== null && n.push({ label: "Safety buffer", value: t.buffer }), n.push(
    { label: "Quantity to push", value: I(e.quantity) },
    { label: "Last pushed", value: I(e.pushed_quantity) },
    { label: e.dry_run ? "Would push" : "Pending", value: I(e.pending_quantity) }
  ), n;
}
function We(e, t) {
  return {
    ...e,
    last_error: t.last_error,
    parts: t.parts.length ? t.parts : e.parts
  };
}
function Ke(e) {
  const t = e.parts[0];
  return t?.last_error && !t.in_sync ? { color: "red", title: "Sync did not succeed", lines: [t.last_error] } : t?.dry_run ? { color: "blue", title: "Dry run: nothing was written", lines: [e.summary ?? "nothing to do"] } : { color: "green", title: "Synced", lines: [e.summary ?? "nothing to do"] };
}
function He(e) {
  const t = e.url ? ` (${e.url})` : "";
  return {
    color: e.ok ? "green" : "red",
    title: e.ok ? `Connection works${t}` : `Connection failed${t}`,
    lines: e.details ?? []
  };
}
function W(e) {
  const t = e ?? {}, n = t.response?.data;
  if (n && typeof n == "object") {
    const l = n, o = l.error ?? l.detail;
    if (typeof o == "string" && o)
      return o;
  }
  return t.response?.status ? `The server answered HTTP ${t.response.status}` : t.message || String(e);
}
function Q(e, t) {
  return { color: "red", title: e, lines: [W(t)] };
}
function me(e, t) {
  return !t || /^https?:\/\//.test(e) ? e : t.replace(/\/+$/, "") + e;
}
const ce = 5;
function Ve(e) {
  return e.import_enabled ? e.dry_run ? { label: "Dry run", color: "blue" } : { label: "Importing", color: "green" } : { label: "Import off", color: "gray" };
}
function je(e, t) {
  if (!e.webhook)
    return "none: orders are polled";
  const n = e.webhook_registration;
  return n ? `registered ${M(n.at, t)}` : "not registered by this plugin (polling still runs)";
}
function Qe(e, t) {
  const n = e.last_seen, l = e.needs_attention_count ?? e.needs_attention.length;
  return [
    { label: "Last order seen", value: n ? `${n.number} (changed ${M(n.modified, t)})` : "-" },
    { label: "Orders imported", value: String(e.imported) },
    { label: "Needing attention", value: String(l) },
    { label: "Last poll", value: M(e.last_poll, t) },
    { label: "Last audit", value: M(e.last_audit, t) },
    { label: "Webhook", value: je(e, t) }
  ];
}
function Ye(e, t) {
  return !!t && (e.includes(`'${t}'`) || e.includes(`"${t}"`));
}
function Ze(e, t) {
  const n = e.needs_attention.map((s) => {
    const d = [...s.problems, ...s.flag ? [s.flag] : []], b = s.sales_order_reference ? ` - sales order ${s.sales_order_reference}` : "";
    return {
      key: s.order_id,
      title: `Order ${s.number}${b}${s.problems.length ? " (held)" : " (flagged)"}`,
      lines: d,
      thisPart: d.some((w) => Ye(w, t))
    };
  }), l = [...n.filter((s) => s.thisPart), ...n.filter((s) => !s.thisPart)], o = e.needs_attention_count ?? n.length;
  return { items: l.slice(0, ce), more: Math.max(0, o - Math.min(ce, l.length)) };
}
const Je = {
  create: "would create a sales order",
  update: "would change the lines",
  cancel: "would cancel the sales order",
  flag: "would be flagged",
  skip: "would be skipped",
  unchanged: "nothing to change"
};
function Xe(e) {
  return [...e.would_import].reverse().slice(0, ce).map((t) => {
    const n = t.lines.map((s) => `${s.quantity} x ${s.sku}`).join(", "), l = t.held ? `, held: ${t.problems.join("; ")}` : "", o = t.flag ? ` (${t.flag})` : "";
    return `${t.number}: ${Je[t.action] ?? t.action}${o}${n ? `: ${n}` : ""}${l}`;
  });
}
function ze(e) {
  const t = e.warnings ?? [];
  if (e.registered) {
    const n = (e.webhooks ?? []).map((l) => `${l.topic ?? "webhook"}: ${l.action ?? "registered"}` + (l.id !== void 0 && l.id !== null ? ` (id ${l.id})` : ""));
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
function et(e) {
  const t = e?.response?.data;
  return t && typeof t == "object" && "registered" in t ? ze(t) : { color: "red", title: "Register webhook failed", lines: [W(e)] };
}
const N = window.React, tt = window.MantineCore.Alert, U = window.MantineCore.Table, nt = window.MantineCore.Text;
function P({ outcome: e, onClose: t }) {
  return /* @__PURE__ */ N.createElement(tt, { color: e.color, title: e.title, withCloseButton: !0, onClose: t }, e.lines.map((n, l) => /* @__PURE__ */ N.createElement(nt, { size: "sm", key: l }, n)));
}
function F({ lines: e, children: t }) {
  return /* @__PURE__ */ N.createElement(U, { striped: !0, withTableBorder: !0, withColumnBorders: !0 }, /* @__PURE__ */ N.createElement(U.Tbody, null, t, e.map((n, l) => /* @__PURE__ */ N.createElement(U.Tr, { key: `${l}:${n.label}` }, /* @__PURE__ */ N.createElement(U.Th, { w: "30%" }, n.label), /* @__PURE__ */ N.createElement(U.Td, null, n.value)))));
}
const g = window.React, lt = window.React.useCallback, he = window.React.useState, X = window.MantineCore.Alert, ot = window.MantineCore.Anchor, rt = window.MantineCore.Badge, at = window.MantineCore.Button, ge = window.MantineCore.Group, H = window.MantineCore.List, fe = window.MantineCore.Stack, pe = window.MantineCore.Text, st = window.MantineCore.Title;
function it({ orders: e, api: t, host: n, locale: l, sku: o, reload: s }) {
  const [d, b] = he(!1), [w, _] = he(null), c = lt(() => {
    e.register_webhook_url && (b(!0), _(null), t.post(e.register_webhook_url, {}).then((p) => {
      _(ze(p.data)), s();
    }).catch((p) => _(et(p))).finally(() => b(!1)));
  }, [t, e.register_webhook_url, s]), y = Ve(e), k = Ze(e, o), S = e.dry_run ? Xe(e) : [];
  return /* @__PURE__ */ g.createElement(fe, { gap: "xs" }, /* @__PURE__ */ g.createElement(ge, { gap: "sm" }, /* @__PURE__ */ g.createElement(st, { order: 5 }, "Orders"), /* @__PURE__ */ g.createElement(rt, { color: y.color, variant: "light" }, y.label)), /* @__PURE__ */ g.createElement(F, { lines: Qe(e, l) }), e.last_error && /* @__PURE__ */ g.createElement(X, { color: "red", title: "Last order import error" }, e.last_error), k.items.length > 0 && /* @__PURE__ */ g.createElement(X, { color: "orange", title: "Orders needing attention" }, /* @__PURE__ */ g.createElement(fe, { gap: 4 }, k.items.map((p) => /* @__PURE__ */ g.createElement("div", { key: p.key }, /* @__PURE__ */ g.createElement(pe, { size: "sm", fw: p.thisPart ? 700 : 500 }, p.title), /* @__PURE__ */ g.createElement(H, { size: "sm" }, p.lines.map((i, $) => /* @__PURE__ */ g.createElement(H.Item, { key: $ }, i))))), k.more > 0 && /* @__PURE__ */ g.createElement(pe, { size: "sm" }, "and ", k.more, " more (see the CSV)"))), S.length > 0 && /* @__PURE__ */ g.createElement(X, { color: "blue", title: "Dry run: would import" }, /* @__PURE__ */ g.createElement(H, { size: "sm" }, S.map((p, i) => /* @__PURE__ */ g.createElement(H.Item, { key: i }, p)))), /* @__PURE__ */ g.createElement(ge, { gap: "sm" }, e.register_webhook_url && /* @__PURE__ */ g.createElement(at, { variant: "outline", onClick: c, loading: d }, "Register webhook"), /* @__PURE__ */ g.createElement(ot, { href: me(e.csv_url, n), size: "sm" }, "Orders needing attention (CSV)")), w && /* @__PURE__ */ g.createElement(P, { outcome: w, onClose: () => _(null) }));
}
const Oe = 5, ct = {
  repaired: "repaired",
  flagged: "flagged, not written",
  confirmed: "confirmed and written",
  dismissed: "dismissed, not written",
  resolved: "no longer needed"
};
function ut(e, t) {
  const n = e.last_check, l = n ? `${n.repaired} repaired, ${n.flagged} flagged, ${n.waiting} waiting` + (n.orders_stale ? " (orders could not be read: no figure was raised)" : "") : "no target check yet";
  return [
    { label: "Repaired without asking", value: `up to ${e.limit}` },
    { label: "Last target check", value: n ? `${M(n.at, t)}: ${l}` : l },
    { label: "Repair history", value: `${e.count} record${e.count === 1 ? "" : "s"}` }
  ];
}
function we(e) {
  const t = e.lastIndexOf("@");
  return t > 0 ? `${e.slice(0, t)} at ${e.slice(t + 1)}` : e;
}
function Z(e) {
  return e.part_name ? `${e.part_name} (${we(e.sku)})` : we(e.sku);
}
function ue(e, t) {
  const n = e.lastIndexOf("@");
  return !!t && (e === t || n > 0 && e.slice(0, n) === t);
}
function dt(e) {
  return `${Z(e)}: the shop has ${e.shop_had}, InvenTree wants ${e.wanted}`;
}
function mt(e, t) {
  return [...e.open_flags.filter((l) => ue(l.sku, t)), ...e.open_flags.filter((l) => !ue(l.sku, t))];
}
function ht(e, t) {
  return e.recent.slice(0, Oe).map((n) => {
    const l = n.set !== null ? `set to ${n.set}` : `wanted ${n.wanted}`;
    return `${M(n.at, t)} ${Z(n)}: shop had ${n.shop_had}, ${l} - ` + (ct[n.outcome] ?? n.outcome);
  });
}
const gt = {
  shipped: "sent to the shop",
  already: "the shop had it already",
  nothing: "nothing to send",
  sending: "being sent",
  failed: "failed",
  dry_run: "dry run: not sent"
};
function ft(e, t) {
  return e.recent.slice(0, Oe).map((n) => {
    const l = `${n.sales_order_reference ?? "sales order"} shipment ${n.shipment_reference ?? n.shipment}`, o = gt[n.state ?? ""] ?? n.state ?? "not sent yet";
    if (n.state === "failed") {
      const s = n.retry_at ? `; retried ${M(new Date(n.retry_at * 1e3).toISOString(), t)}` : "; not retried any more";
      return `${l}: ${o} (attempt ${n.attempts ?? 1}): ${n.error ?? ""}${s}`;
    }
    return `${l}: ${o}${n.message ? ` (${n.message})` : ""}`;
  });
}
function pt(e, t) {
  const n = t.confirmed ?? t.dismissed;
  return e === "confirm" && t.confirmed ? { color: "green", title: "Repair written", lines: [`${Z(t.confirmed)} set to ${t.confirmed.set}`] } : {
    color: "blue",
    title: "Flag dismissed",
    lines: n ? [`${Z(n)} stays at ${n.shop_had} on the shop until a figure changes`] : []
  };
}
const h = window.React, wt = window.React.useCallback, Ee = window.React.useState, be = window.MantineCore.Alert, Et = window.MantineCore.Anchor, ke = window.MantineCore.Button, $e = window.MantineCore.Group, V = window.MantineCore.List, ye = window.MantineCore.Stack, ee = window.MantineCore.Text, _e = window.MantineCore.Title;
function bt({ repairs: e, shipments: t, api: n, host: l, locale: o, sku: s, reload: d }) {
  const [b, w] = Ee(null), [_, c] = Ee(null), y = wt((i, $) => {
    w(`${i}:${$.sku}`), c(null), n.post(
      i === "confirm" ? e.confirm_url : e.dismiss_url,
      { sku: $.sku }
    ).then((z) => {
      c(pt(i, z.data)), d();
    }).catch((z) => c(Q(i === "confirm" ? "Not written" : "Not dismissed", z))).finally(() => w(null));
  }, [n, e.confirm_url, e.dismiss_url, d]), k = mt(e, s), S = ht(e, o), p = t ? ft(t, o) : [];
  return /* @__PURE__ */ h.createElement(ye, { gap: "xs" }, /* @__PURE__ */ h.createElement(_e, { order: 5 }, "Target check"), /* @__PURE__ */ h.createElement(F, { lines: ut(e, o) }), k.length > 0 && /* @__PURE__ */ h.createElement(be, { color: "orange", title: "Repairs waiting for you (beyond the limit: not written)" }, /* @__PURE__ */ h.createElement(ye, { gap: 4 }, k.map((i) => /* @__PURE__ */ h.createElement($e, { key: i.sku, gap: "sm", justify: "space-between" }, /* @__PURE__ */ h.createElement(ee, { size: "sm", fw: ue(i.sku, s) ? 700 : 500 }, dt(i)), /* @__PURE__ */ h.createElement($e, { gap: "xs" }, /* @__PURE__ */ h.createElement(
    ke,
    {
      size: "xs",
      onClick: () => y("confirm", i),
      loading: b === `confirm:${i.sku}`
    },
    "Confirm"
  ), /* @__PURE__ */ h.createElement(
    ke,
    {
      size: "xs",
      variant: "outline",
      onClick: () => y("dismiss", i),
      loading: b === `dismiss:${i.sku}`
    },
    "Dismiss"
  )))))), _ && /* @__PURE__ */ h.createElement(P, { outcome: _, onClose: () => c(null) }), S.length > 0 && /* @__PURE__ */ h.createElement(V, { size: "sm" }, S.map((i, $) => /* @__PURE__ */ h.createElement(V.Item, { key: $ }, i))), /* @__PURE__ */ h.createElement(Et, { href: me(e.csv_url, l), size: "sm" }, "Repair history (CSV)"), t && /* @__PURE__ */ h.createElement(h.Fragment, null, /* @__PURE__ */ h.createElement(_e, { order: 5 }, "Shipments to the shop"), t.note && /* @__PURE__ */ h.createElement(ee, { size: "sm" }, t.note), t.failing > 0 && /* @__PURE__ */ h.createElement(be, { color: "red", title: `${t.failing} shipment(s) not sent yet` }, "The worker retries them; the list below says why they failed."), p.length > 0 ? /* @__PURE__ */ h.createElement(V, { size: "sm" }, p.map((i, $) => /* @__PURE__ */ h.createElement(V.Item, { key: $ }, i))) : !t.note && /* @__PURE__ */ h.createElement(ee, { size: "sm" }, "No shipment of an imported order yet.")));
}
const a = window.React, te = window.React.useCallback, kt = window.React.useEffect, q = window.React.useState, A = window.MantineCore.Alert, $t = window.MantineCore.Anchor, yt = window.MantineCore.Badge, ne = window.MantineCore.Button, le = window.MantineCore.Group, _t = window.MantineCore.Loader, oe = window.MantineCore.Stack, re = window.MantineCore.Table, j = window.MantineCore.Text;
function Ct({ context: e }) {
  const t = e.context, n = e.id, [l, o] = q(null), [s, d] = q(null), [b, w] = q(null), [_, c] = q(null), [y, k] = q(!1), [S, p] = q(!1), i = te(() => {
    t && (d(null), e.api.get(t.status_url, { params: { part: n } }).then((m) => o(m.data)).catch((m) => d(Q("Could not load the sync status", m))));
  }, [e.api, t?.status_url, n]);
  kt(i, [i]);
  const $ = te(() => {
    t && (k(!0), w(null), e.api.post(t.sync_url, { part: n }).then((m) => {
      o((C) => C && We(C, m.data)), w(Ke(m.data));
    }).catch((m) => w(Q("Sync now failed", m))).finally(() => k(!1)));
  }, [e.api, t?.sync_url, n]), z = te(() => {
    t && (p(!0), c(null), e.api.post(t.check_url, {}).then((m) => c(He(m.data))).catch((m) => c(Q("Test connection failed", m))).finally(() => p(!1)));
  }, [e.api, t?.check_url]);
  if (!t)
    return /* @__PURE__ */ a.createElement(A, { color: "red", title: "Panel misconfigured" }, "The plugin sent no URLs for this panel.");
  if (s)
    return /* @__PURE__ */ a.createElement(oe, { gap: "xs" }, /* @__PURE__ */ a.createElement(P, { outcome: s, onClose: () => d(null) }), /* @__PURE__ */ a.createElement(le, null, /* @__PURE__ */ a.createElement(ne, { variant: "outline", onClick: i }, "Retry")));
  if (!l)
    return /* @__PURE__ */ a.createElement(le, { gap: "xs" }, /* @__PURE__ */ a.createElement(_t, { size: "sm" }), /* @__PURE__ */ a.createElement(j, { size: "sm" }, "Loading sync status..."));
  const f = l.parts[0], B = f ? Le(f) : null, R = l, O = f ? De(f) : [];
  return /* @__PURE__ */ a.createElement(oe, { gap: "sm" }, l.warnings.map((m) => /* @__PURE__ */ a.createElement(A, { color: "yellow", title: "Warning", key: m }, m)), l.dry_run && /* @__PURE__ */ a.createElement(A, { color: "blue", title: "Dry run" }, "Nothing is written to ", t.target, ": the status shows what would be pushed."), l.last_error && /* @__PURE__ */ a.createElement(A, { color: "red", title: "Last sync error" }, l.last_error), l.orders_stale && /* @__PURE__ */ a.createElement(A, { color: "yellow", title: "Orders are stale" }, "The last push could not read the shop's new orders first, so a sale made there may not be counted yet: ", l.orders_stale), f && B ? /* @__PURE__ */ a.createElement(a.Fragment, null, /* @__PURE__ */ a.createElement(F, { lines: xe(f, e.locale) }, /* @__PURE__ */ a.createElement(re.Tr, null, /* @__PURE__ */ a.createElement(re.Th, { w: "30%" }, "Status"), /* @__PURE__ */ a.createElement(re.Td, null, /* @__PURE__ */ a.createElement(yt, { color: B.color, variant: "filled" }, B.label)))), f.last_error && /* @__PURE__ */ a.createElement(A, { color: "red", title: "Error for this part" }, f.last_error), f.linked && /* @__PURE__ */ a.createElement(F, { lines: Ge(f, l) }), f.linked && f.offer && /* @__PURE__ */ a.createElement(a.Fragment, null, /* @__PURE__ */ a.createElement(j, { size: "sm", fw: 500 }, "How this number was made"), /* @__PURE__ */ a.createElement(F, { lines: Ie(f.offer) })), f.linked && O.length > 0 && /* @__PURE__ */ a.createElement(a.Fragment, null, /* @__PURE__ */ a.createElement(j, { size: "sm", fw: 500 }, "How this number was made, per location"), O.map((m) => /* @__PURE__ */ a.createElement(oe, { gap: 4, key: m.title }, /* @__PURE__ */ a.createElement(j, { size: "sm" }, m.title), /* @__PURE__ */ a.createElement(F, { lines: m.lines }))))) : /* @__PURE__ */ a.createElement(A, { color: "gray", title: "No status" }, "No status for this part."), /* @__PURE__ */ a.createElement(le, { gap: "sm" }, /* @__PURE__ */ a.createElement(ne, { onClick: $, loading: y, disabled: !f?.linked }, "Sync now"), /* @__PURE__ */ a.createElement(ne, { variant: "outline", onClick: z, loading: S }, "Test connection"), /* @__PURE__ */ a.createElement($t, { href: me(t.csv_url, e.host), size: "sm" }, "Parts not in sync (CSV)")), b && /* @__PURE__ */ a.createElement(P, { outcome: b, onClose: () => w(null) }), _ && /* @__PURE__ */ a.createElement(P, { outcome: _, onClose: () => c(null) }), l.orders && /* @__PURE__ */ a.createElement(
    it,
    {
      orders: l.orders,
      api: e.api,
      host: e.host,
      locale: e.locale,
      sku: f?.sku,
      reload: i
    }
  ), R.repairs && /* @__PURE__ */ a.createElement(
    bt,
    {
      repairs: R.repairs,
      shipments: R.shipments,
      api: e.api,
      host: e.host,
      locale: e.locale,
      sku: f?.sku,
      reload: i
    }
  ));
}
function Qt(e) {
  return /* @__PURE__ */ a.createElement(Ct, { context: e });
}
const Ae = 50, Ce = 20, Te = 3e5;
function Tt(e, t) {
  const n = t.toLowerCase().split(/\s+/).filter(Boolean);
  return n.length ? e.filter((l) => {
    const o = `${l.sku} ${l.name} ${l.kind}`.toLowerCase();
    return n.every((s) => o.includes(s));
  }) : e;
}
function de(e, t = Ae) {
  return Math.max(1, Math.ceil(e / t));
}
function St(e, t, n = Ae) {
  const l = de(e.length, n), o = Math.min(Math.max(1, t), l);
  return e.slice((o - 1) * n, o * n);
}
function ae(e, t, n) {
  const l = new Set(e);
  for (const o of t)
    n ? l.add(o.sku) : l.delete(o.sku);
  return l;
}
function vt(e, t) {
  const n = new Set(e);
  return n.delete(t) || n.add(t), n;
}
function Mt(e, t) {
  const n = t.filter((l) => e.has(l.sku)).length;
  return n ? n === t.length ? "all" : "some" : "none";
}
function Rt(e, t, n, l) {
  return {
    skus: e.filter((o) => t.has(o.sku)).map((o) => o.sku),
    category: n,
    location: l ? Number(l) : null
  };
}
function Lt(e) {
  const t = e.kind || "product";
  return e.parent_sku ? `${t}, variation of ${e.parent_sku}` : t;
}
function It(e) {
  return !e.managed || e.quantity === null ? "not tracked" : e.quantity;
}
function Se(e) {
  return {
    color: "blue",
    title: "Nothing to import",
    lines: [`Every product on ${e} with a SKU is held by a part already (or the shop has no products).`]
  };
}
function zt(e, t) {
  return { color: "red", title: `Could not read the products of ${e}`, lines: [W(t)] };
}
function Ot(e) {
  const t = e.created.filter((l) => l.stock_item !== null).length, n = [];
  return e.created.length && n.push(`${e.created.length} part${e.created.length === 1 ? "" : "s"} created` + (t ? `, ${t} with an initial stock item` : "") + (e.seconds !== void 0 ? ` in ${e.seconds} s` : "")), n.push(...e.refused.map((l) => `${l.sku}: not imported: ${l.error}`)), e.created.length ? {
    color: e.refused.length ? "yellow" : "green",
    title: e.refused.length ? "Imported, with refusals" : "Imported",
    lines: n
  } : { color: "red", title: "Nothing was imported", lines: n };
}
function At(e) {
  const t = e?.response?.status;
  return t && t < 500 ? { color: "red", title: "Import refused: nothing was created", lines: [W(e)] } : {
    color: "yellow",
    title: "No answer to the import",
    lines: [W(e), "The parts may have been created all the same: the list below is read again and no longer shows the products that were imported (the category's parts list shows them)."]
  };
}
function Nt(e, t) {
  return `${e.replace(/\/+$/, "")}/${t}/details`;
}
function Pt(e) {
  return `/part/${e}/details`;
}
function Bt(e) {
  return (Array.isArray(e) ? e : e?.results ?? []).flatMap((n) => {
    const l = n;
    return typeof l.pk == "number" ? [{ value: String(l.pk), label: l.pathstring || l.name || `#${l.pk}` }] : [];
  });
}
const r = window.React, ve = window.React.useCallback, se = window.React.useEffect, qt = window.React.useMemo, xt = window.React.useRef, T = window.React.useState, Me = window.MantineCore.Alert, Ft = window.MantineCore.Anchor, D = window.MantineCore.Button, Re = window.MantineCore.Checkbox, G = window.MantineCore.Group, ie = window.MantineCore.List, Ut = window.MantineCore.Loader, Dt = window.MantineCore.Pagination, Gt = window.MantineCore.Select, Y = window.MantineCore.Stack, E = window.MantineCore.Table, x = window.MantineCore.Text, Wt = window.MantineCore.TextInput, Kt = 25;
function Ht({ context: e }) {
  const t = e.context, [n, l] = T(null), [o, s] = T(null), [d, b] = T(""), [w, _] = T(1), [c, y] = T(/* @__PURE__ */ new Set()), [k, S] = T(null), [p, i] = T([]), [$, z] = T(""), [f, B] = T(!1), [R, O] = T(null), m = xt(null);
  se(() => {
    R && m.current?.scrollIntoView?.({ block: "nearest" });
  }, [R]);
  const C = ve(() => {
    t && (s(null), l(null), e.api.get(t.import_url, { timeout: Te }).then((u) => l(u.data)).catch((u) => s(zt(t.target, u))));
  }, [e.api, t?.import_url, t?.target]);
  se(C, [C]), se(() => {
    if (!t)
      return;
    const u = { limit: Kt, ordering: "pathstring" };
    $.trim() && (u.search = $.trim()), e.api.get(t.locations_url, { params: u }).then((L) => i((Be) => Vt(Bt(L.data), Be, k))).catch(() => i((L) => L));
  }, [e.api, t?.locations_url, $]);
  const v = qt(() => Tt(n?.products ?? [], d), [n, d]), J = St(v, w), Ne = ve(() => {
    !t || !n || e.id === void 0 || e.id === null || (B(!0), O(null), e.api.post(
      t.import_url,
      Rt(n.products, c, e.id, k),
      { timeout: Te }
    ).then((u) => {
      O({ outcome: Ot(u.data), answer: u.data }), y((L) => ae(L, u.data.created, !1)), C();
    }).catch((u) => {
      O({ outcome: At(u) });
      const L = u?.response?.status;
      (!L || L >= 500) && (y(/* @__PURE__ */ new Set()), C());
    }).finally(() => B(!1)));
  }, [e.api, t?.import_url, n, c, e.id, k, C]);
  if (!t)
    return /* @__PURE__ */ r.createElement(Me, { color: "red", title: "Panel misconfigured" }, "The plugin sent no URLs for this panel.");
  const Pe = e.instance?.pathstring || e.instance?.name || `category ${e.id}`, K = Mt(c, v);
  return /* @__PURE__ */ r.createElement(Y, { gap: "sm", ref: m }, /* @__PURE__ */ r.createElement(x, { size: "sm" }, "Products on ", t.target, " whose SKU no part holds. The chosen ones become parts of ", /* @__PURE__ */ r.createElement("b", null, Pe), " (name, description, IPN = SKU, salable, the shop's price), linked to ", t.target, " at once. Nothing is changed on the shop."), R && /* @__PURE__ */ r.createElement(jt, { result: R, urls: t, navigate: e.navigate, onClose: () => O(null) }), o && /* @__PURE__ */ r.createElement(Y, { gap: "xs" }, /* @__PURE__ */ r.createElement(P, { outcome: o, onClose: () => s(null) }), /* @__PURE__ */ r.createElement(G, null, /* @__PURE__ */ r.createElement(D, { variant: "outline", onClick: C }, "Retry"))), !n && !o && /* @__PURE__ */ r.createElement(G, { gap: "xs" }, /* @__PURE__ */ r.createElement(Ut, { size: "sm" }), /* @__PURE__ */ r.createElement(x, { size: "sm" }, "Reading the products of ", t.target, "...")), n && n.count === 0 && /* @__PURE__ */ r.createElement(Me, { color: "blue", title: Se(t.target).title }, /* @__PURE__ */ r.createElement(Y, { gap: "xs" }, /* @__PURE__ */ r.createElement(x, { size: "sm" }, Se(t.target).lines[0]), /* @__PURE__ */ r.createElement(G, null, /* @__PURE__ */ r.createElement(D, { size: "xs", variant: "outline", onClick: C }, "Read the shop again")))), n && n.count > 0 && /* @__PURE__ */ r.createElement(r.Fragment, null, /* @__PURE__ */ r.createElement(G, { gap: "sm", align: "end" }, /* @__PURE__ */ r.createElement(
    Wt,
    {
      label: "Filter",
      placeholder: "SKU, name or kind",
      value: d,
      w: 260,
      onChange: (u) => {
        b(u.currentTarget.value), _(1);
      }
    }
  ), /* @__PURE__ */ r.createElement(x, { size: "sm" }, v.length, " of ", n.count, " product", n.count === 1 ? "" : "s", " shown, ", c.size, " selected"), /* @__PURE__ */ r.createElement(
    D,
    {
      size: "xs",
      variant: "outline",
      onClick: () => y(ae(c, v, !0)),
      disabled: !v.length || K === "all"
    },
    "Select all shown"
  ), /* @__PURE__ */ r.createElement(
    D,
    {
      size: "xs",
      variant: "outline",
      onClick: () => y(/* @__PURE__ */ new Set()),
      disabled: !c.size
    },
    "Clear selection"
  )), /* @__PURE__ */ r.createElement(E, { striped: !0, withTableBorder: !0, highlightOnHover: !0 }, /* @__PURE__ */ r.createElement(E.Thead, null, /* @__PURE__ */ r.createElement(E.Tr, null, /* @__PURE__ */ r.createElement(E.Th, { w: 40 }, /* @__PURE__ */ r.createElement(
    Re,
    {
      "aria-label": "Select all shown",
      checked: K === "all",
      indeterminate: K === "some",
      onChange: () => y(ae(c, v, K !== "all"))
    }
  )), /* @__PURE__ */ r.createElement(E.Th, null, "SKU"), /* @__PURE__ */ r.createElement(E.Th, null, "Name"), /* @__PURE__ */ r.createElement(E.Th, null, "Kind"), /* @__PURE__ */ r.createElement(E.Th, null, "Price"), /* @__PURE__ */ r.createElement(E.Th, null, "Quantity"))), /* @__PURE__ */ r.createElement(E.Tbody, null, J.map((u) => /* @__PURE__ */ r.createElement(E.Tr, { key: u.sku }, /* @__PURE__ */ r.createElement(E.Td, null, /* @__PURE__ */ r.createElement(
    Re,
    {
      "aria-label": `Select ${u.sku}`,
      checked: c.has(u.sku),
      onChange: () => y(vt(c, u.sku))
    }
  )), /* @__PURE__ */ r.createElement(E.Td, null, u.sku), /* @__PURE__ */ r.createElement(E.Td, null, u.name), /* @__PURE__ */ r.createElement(E.Td, null, Lt(u)), /* @__PURE__ */ r.createElement(E.Td, null, u.price ?? "-"), /* @__PURE__ */ r.createElement(E.Td, null, It(u)))))), !J.length && /* @__PURE__ */ r.createElement(x, { size: "sm" }, "No product matches the filter."), v.length > J.length && /* @__PURE__ */ r.createElement(
    Dt,
    {
      total: de(v.length),
      value: Math.min(w, de(v.length)),
      onChange: _,
      size: "sm"
    }
  ), /* @__PURE__ */ r.createElement(G, { gap: "sm", align: "end" }, /* @__PURE__ */ r.createElement(
    Gt,
    {
      label: "Initial stock in location (optional)",
      w: 320,
      searchable: !0,
      clearable: !0,
      placeholder: "No stock: the parts start empty",
      data: p,
      value: k,
      onChange: S,
      searchValue: $,
      onSearchChange: z,
      nothingFoundMessage: "No such stock location"
    }
  ), /* @__PURE__ */ r.createElement(D, { onClick: Ne, loading: f, disabled: !c.size }, "Import ", c.size || "", " product", c.size === 1 ? "" : "s")), !k && c.size > 0 && /* @__PURE__ */ r.createElement(x, { size: "xs", c: "dimmed" }, "Without a location the new parts hold no stock, and the next push sets them to 0 on ", t.target, ".")));
}
function Vt(e, t, n) {
  const l = t.find((o) => o.value === n);
  return l && !e.some((o) => o.value === n) ? [l, ...e] : e;
}
function jt({ result: e, urls: t, navigate: n, onClose: l }) {
  const o = e.answer?.created ?? [], s = o.length - Ce;
  return /* @__PURE__ */ r.createElement(Y, { gap: 4 }, /* @__PURE__ */ r.createElement(P, { outcome: e.outcome, onClose: l }), o.length > 0 && /* @__PURE__ */ r.createElement(ie, { size: "sm" }, o.slice(0, Ce).map((d) => {
    const b = Nt(t.part_url, d.part);
    return /* @__PURE__ */ r.createElement(ie.Item, { key: d.sku }, /* @__PURE__ */ r.createElement(Ft, { href: b, size: "sm", onClick: (w) => {
      n && (w.preventDefault(), n(Pt(d.part)));
    } }, d.sku), d.stock_item !== null ? " (with stock)" : "");
  }), s > 0 && /* @__PURE__ */ r.createElement(ie.Item, null, "and ", s, " more: this category's Parts tab lists them all")));
}
function Yt(e) {
  return /* @__PURE__ */ r.createElement(Ht, { context: e });
}
export {
  Yt as renderImportPanel,
  Qt as renderPanel
};

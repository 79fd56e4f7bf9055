// Jimu embed demo: an existing portal page using the wasm package, with no framework.
//
// The engine (`Engine` from ../pkg/jimu.js) answers every rule question: which fields show,
// which are required, read-only or masked for the chosen role, what is wrong with a value,
// and what the visit costs, with the trace of every pricing rule. This file only draws what
// the engine says and turns the form into a quote request:
//
// - a select whose option ids are catalog item ids becomes a quote line, with its quantity
//   taken from a `quantity` or `units` field (1 when the form has neither);
// - fields named like the pricing context's variables (`distance_km`, `tier`, `region`,
//   `duration_h`, `weight_kg`, `count`, `ticket_type`, `channel`) feed the context;
// - the form's values go along as `context.form`, for rules that read `form.<field>`.
//
// The quote is priced from the form evaluated without a role, so every role sees the same
// price; the page shows the form as the chosen role sees it (masked values arrive masked
// from the engine and are the only ones written into the page). Amounts are the engine's
// decimal strings, never parsed into JavaScript numbers.

import * as jimu from '../pkg/jimu.js';

const STRINGS = {
  'zh-CN': {
    brand: '安心家电服务',
    navRepair: '在线报修',
    navOrders: '我的工单',
    navPrices: '收费标准',
    navHelp: '帮助中心',
    role: '身份',
    noRole: '（不限身份）',
    bundle: '方案',
    reload: '重新获取',
    openFile: '打开方案文件…',
    loading: '正在加载引擎与方案…',
    problemsTitle: (n) => `方案有 ${n} 个问题，无法加载`,
    problemsIntro: '方案没有加载：请按下面每个问题的位置（JSON 指针）修改后再试。',
    submit: '提交报修',
    submittedTitle: '报修单已生成（演示，未发送）',
    submittedIntro: '离开表单的值（按当前身份的可见与脱敏规则）：',
    quoteTitle: '费用预估',
    quoteNote: '价格由积木引擎按方案中的规则即时计算，上门后以师傅确认为准。',
    traceTitle: '计价过程',
    footer: '安心家电服务 · 本页为积木嵌入示例：表单与报价都由同一个引擎在浏览器中计算。',
    langButton: 'English',
    valid: '信息完整，可以提交',
    invalid: (n) => `还有 ${n} 处需要填写或修改`,
    warnings: (n) => `${n} 条提醒`,
    required: '必填',
    choose: '请选择',
    yes: '是',
    no: '否',
    accessReadOnly: '只读',
    accessMasked: '已脱敏',
    disabled: '不可修改',
    roleNote: (role) => `当前以「${role}」身份查看：只读与脱敏字段由方案的权限规则决定。`,
    roleNoteNone: '未指定身份：所有字段都可编辑。',
    submitFix: '请先修改标出的问题。',
    route: (flow) => `提交后进入流程：${flow}`,
    subtotal: '小计',
    total: '合计',
    listPrice: '原价',
    addedBy: (rule) => `由「${rule}」加收`,
    waitingTitle: '填写以下信息后显示报价：',
    needField: (label) => `请填写「${label}」`,
    needItem: '请选择服务项目',
    unpriced: '这张表单没有选择价目表项目的字段，不需要报价。',
    quoteProblems: '报价未能计算：',
    noTrace: '没有计价规则。',
    traceLater: '算出报价后，这里列出每条计价规则是否生效、原因和算式。',
    ticket: '整单',
    line: (n, name) => `第 ${n} 行 ${name}`,
    outcome: { applied: '已应用', not_matched: '未满足', not_chosen: '未选中', skipped: '跳过' },
    fetched: (v) => `已加载 ${v}`,
    notModified: '已是最新（304 未修改）',
    updated: '方案已更新',
    fromFile: (name) => `文件 ${name}`,
    fetchFailed: (status, url) => `获取方案失败：${url} 返回 ${status}`,
    networkFailed: (url, msg) => `无法获取方案 ${url}：${msg}`,
    noEngine: '此 jimu 包没有 Engine（请运行 cargo xtask wasm-pkg 重新构建 web/pkg）',
    noForms: '此方案没有表单。',
    hint: '提示',
    lineCol: (l, c) => `第 ${l} 行，第 ${c} 列`,
    version: (v) => `版本 ${v}`,
  },
  en: {
    brand: 'ComfortHome Appliance Service',
    navRepair: 'Book a repair',
    navOrders: 'My tickets',
    navPrices: 'Prices',
    navHelp: 'Help',
    role: 'Role',
    noRole: '(any role)',
    bundle: 'Bundle',
    reload: 'Fetch again',
    openFile: 'Open a bundle file…',
    loading: 'Loading the engine and the bundle…',
    problemsTitle: (n) => `The bundle has ${n} problem${n === 1 ? '' : 's'} and was not loaded`,
    problemsIntro: 'Fix each problem at its place (a JSON pointer) and load the bundle again.',
    submit: 'Submit request',
    submittedTitle: 'Request created (demo, nothing sent)',
    submittedIntro: 'The values leaving the form (as the current role may see them):',
    quoteTitle: 'Estimated price',
    quoteNote: "Priced live by the Jimu engine from the bundle's rules; the technician confirms on site.",
    traceTitle: 'How the price was made',
    footer: 'ComfortHome Appliance Service · a Jimu embed demo: the form and the quote come from one engine, in the browser.',
    langButton: '中文',
    valid: 'Complete: ready to submit',
    invalid: (n) => `${n} field${n === 1 ? '' : 's'} to fill in or fix`,
    warnings: (n) => `${n} warning${n === 1 ? '' : 's'}`,
    required: 'required',
    choose: 'Choose…',
    yes: 'Yes',
    no: 'No',
    accessReadOnly: 'read-only',
    accessMasked: 'masked',
    disabled: 'locked',
    roleNote: (role) => `Viewing as ${role}: read-only and masked fields follow the bundle's permissions.`,
    roleNoteNone: 'No role: every field is editable.',
    submitFix: 'Fix the marked fields first.',
    route: (flow) => `Once submitted, the ticket enters: ${flow}`,
    subtotal: 'Subtotal',
    total: 'Total',
    listPrice: 'list',
    addedBy: (rule) => `added by: ${rule}`,
    waitingTitle: 'The price shows once you give:',
    needField: (label) => `${label}`,
    needItem: 'a service to price',
    unpriced: 'This form has no field choosing catalog items: nothing to price.',
    quoteProblems: 'The quote could not be made:',
    noTrace: 'No pricing rules.',
    traceLater: 'Once priced, every pricing rule shows here: whether it applied, why, and its arithmetic.',
    ticket: 'ticket',
    line: (n, name) => `line ${n}, ${name}`,
    outcome: { applied: 'applied', not_matched: 'not matched', not_chosen: 'not chosen', skipped: 'skipped' },
    fetched: (v) => `loaded ${v}`,
    notModified: 'up to date (304 Not Modified)',
    updated: 'bundle updated',
    fromFile: (name) => `file ${name}`,
    fetchFailed: (status, url) => `fetching the bundle failed: ${url} answered ${status}`,
    networkFailed: (url, msg) => `cannot fetch the bundle ${url}: ${msg}`,
    noEngine: 'this jimu package has no Engine (run cargo xtask wasm-pkg to rebuild web/pkg)',
    noForms: 'This bundle has no form.',
    hint: 'hint',
    lineCol: (l, c) => `line ${l}, column ${c}`,
    version: (v) => `version ${v}`,
  },
};

const PRICING_CONTEXT_KEYS = [
  'region',
  'tier',
  'channel',
  'ticket_type',
  'distance_km',
  'duration_h',
  'weight_kg',
  'count',
];
const QUANTITY_FIELDS = ['quantity', 'units'];
const CURRENCY_SIGNS = { CNY: '¥', USD: '$', EUR: '€', GBP: '£', JPY: '¥', HKD: 'HK$', SGD: 'S$' };

const params = new URLSearchParams(location.search);
const state = {
  lang: params.get('lang') === 'en' ? 'en' : 'zh-CN',
  role: params.get('role') ?? null,
  engine: null,
  doc: null,
  formId: null,
  /** What the person entered, by field id: the portal's own data. */
  values: {},
  /** Fields whose problems are shown beside them (touched, or everything after submit). */
  touched: new Set(),
  showAll: false,
  source: null,
  view: null,
  pricing: null,
  outcome: null,
  problems: null,
  fatal: null,
};

const $ = (sel) => document.querySelector(sel);
const t = (key, ...args) => {
  const value = STRINGS[state.lang][key];
  return typeof value === 'function' ? value(...args) : value;
};
/** A bundle `Text` (one string, or zh-CN and en) or an engine `Localized`, in the current language. */
const text = (value) => {
  if (value == null) return '';
  if (typeof value === 'string') return value;
  return value[state.lang] ?? value['zh-CN'] ?? value.en ?? '';
};

/** Appends children, skipping null and false (the DOM's own append would write "null"). */
function append(node, ...children) {
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'for' || k === 'role') {
      node.setAttribute(k, v === true ? '' : String(v));
    } else node[k] = v;
  }
  return append(node, ...children);
}

// ---------------------------------------------------------------------------------------------
// Bundle: fetched from a URL (a sync server's /api/bundles/<name>, ETag honoured) or a file.

async function fetchBundle(url, { again = false } = {}) {
  const headers = {};
  // A sync server wants a reader token (unless it runs with --public-read): `&token=…`.
  const token = params.get('token');
  if (token) headers.Authorization = `Bearer ${token}`;
  const previous = state.source?.kind === 'url' && state.source.url === url ? state.source : null;
  if (again && previous?.etag) headers['If-None-Match'] = previous.etag;
  let response;
  try {
    response = await fetch(url, { headers, cache: 'no-store' });
  } catch (err) {
    return showFatal(t('networkFailed', url, err.message));
  }
  if (response.status === 304 && previous?.text != null) {
    state.source = { ...previous, checked: new Date() };
    setBundleStatus(t('notModified'), 'same');
    return;
  }
  if (!response.ok) return showFatal(t('fetchFailed', `${response.status} ${response.statusText}`, url));
  const body = await response.text();
  const changed = previous != null && previous.text !== body;
  state.source = {
    kind: 'url',
    url,
    text: body,
    etag: response.headers.get('ETag'),
    version: response.headers.get('jimu-version'),
  };
  loadBundle(body);
  if (again) setBundleStatus(changed ? t('updated') : t('fetched', shortTag()), changed ? 'changed' : 'same');
}

function shortTag() {
  const { etag, version } = state.source ?? {};
  if (version) return t('version', version);
  if (etag) return `ETag ${etag.replace(/"/g, '').slice(0, 10)}`;
  return '';
}

function setBundleStatus(message, kind = '') {
  const node = $('#bundle-status');
  node.textContent = message;
  node.dataset.kind = kind;
}

function showFatal(message) {
  state.fatal = message;
  state.problems = [{ code: 'load-failed', path: '', severity: 'error', message: { 'zh-CN': message, en: message } }];
  state.engine = null;
  render();
}

/** Loads bundle text into a new engine; every problem of a bad bundle is kept to be shown. */
function loadBundle(body) {
  state.fatal = null;
  if (typeof jimu.Engine !== 'function') return showFatal(t('noEngine'));
  let engine;
  try {
    engine = new jimu.Engine(body);
  } catch (err) {
    state.engine?.free?.();
    state.engine = null;
    state.doc = null;
    state.problems = Array.isArray(err?.problems) && err.problems.length
      ? err.problems
      : [{
          code: err?.code ?? 'error',
          path: err?.path ?? '',
          severity: 'error',
          message: err?.messages ?? { 'zh-CN': String(err?.message ?? err), en: String(err?.message ?? err) },
        }];
    render();
    return;
  }
  state.engine?.free?.();
  state.engine = engine;
  state.view = state.pricing = state.outcome = null;
  state.doc = JSON.parse(body);
  state.problems = null;
  const forms = state.doc.forms ?? [];
  if (!forms.some((f) => f.id === state.formId)) {
    state.formId = forms.find((f) => f.id === params.get('form'))?.id ?? forms[0]?.id ?? null;
  }
  const roles = state.doc.org?.roles ?? [];
  if (state.role != null && !roles.some((r) => r.id === state.role)) state.role = null;
  if (state.role == null && roles.length) state.role = (roles.find((r) => r.id === 'customer') ?? roles[0]).id;
  buildForm();
  render();
}

// ---------------------------------------------------------------------------------------------
// The form: built once per bundle and form from the engine's field list, then updated in place
// on every input so the field being typed in keeps its focus.

/** The bundle's definition of the current form, with inherited fields and sections. */
function formDefinition() {
  const forms = state.doc?.forms ?? [];
  const byId = new Map(forms.map((f) => [f.id, f]));
  const chain = [];
  for (let f = byId.get(state.formId); f && !chain.includes(f); f = byId.get(f.extends)) chain.unshift(f);
  const fields = new Map();
  let sections = [];
  for (const form of chain) {
    for (const id of form.remove_fields ?? []) fields.delete(id);
    for (const field of form.fields ?? []) fields.set(field.id, field);
    if (form.sections?.length) sections = form.sections;
  }
  return { form: byId.get(state.formId), fields, sections };
}

function catalogIds() {
  return new Set((state.doc?.catalog ?? []).map((item) => item.id));
}

function buildForm() {
  const root = $('#ticket-form');
  root.replaceChildren();
  state.touched = new Set();
  state.showAll = false;
  $('#submitted').hidden = true;
  if (!state.formId) return;
  const def = formDefinition();
  const first = evaluate(null);
  if (!first) return;
  const bySection = new Map();
  for (const fs of first.fields) {
    const key = fs.section ?? '';
    if (!bySection.has(key)) bySection.set(key, []);
    bySection.get(key).push(fs);
  }
  const order = [...def.sections.map((s) => s.id), ''];
  for (const sectionId of order) {
    const states = bySection.get(sectionId);
    if (!states?.length) continue;
    const section = def.sections.find((s) => s.id === sectionId);
    const listed = section?.fields ?? [];
    states.sort((a, b) => listed.indexOf(a.id) - listed.indexOf(b.id));
    const fieldset = el('fieldset', { class: 'section', 'data-section': sectionId || '-' },
      section ? el('legend', { class: 'section-title' }) : null,
      states.map((fs) => buildField(fs, def.fields.get(fs.id) ?? {})));
    root.append(fieldset);
  }
}

function buildField(fs, def) {
  const id = `f-${fs.id}`;
  const wrap = el('div', { class: 'field', 'data-field': fs.id, 'data-kind': fs.kind });
  const label = el('label', { class: 'field-label', for: id },
    el('span', { class: 'label-text' }),
    el('span', { class: 'req', 'aria-hidden': 'true', text: '*' }),
    el('span', { class: 'access-badge' }));
  let control;
  const onInput = (event) => {
    state.values[fs.id] = readControl(fs.kind, event.currentTarget.closest('.field'));
    state.touched.add(fs.id);
    update();
  };
  switch (fs.kind) {
    case 'single_select':
      control = el('select', { id, name: fs.id, class: 'control' });
      control.addEventListener('change', onInput);
      break;
    case 'multi_select':
      control = el('div', { id, class: 'control choices', role: 'group' });
      control.addEventListener('change', onInput);
      break;
    case 'yes_no':
      control = el('input', { id, name: fs.id, type: 'checkbox', class: 'control check' });
      control.addEventListener('change', onInput);
      break;
    case 'long_text':
      control = el('textarea', { id, name: fs.id, class: 'control', rows: 3 });
      control.addEventListener('input', onInput);
      break;
    case 'date':
      control = el('input', { id, name: fs.id, type: 'date', class: 'control' });
      control.addEventListener('input', onInput);
      control.addEventListener('change', onInput);
      break;
    default: {
      const numeric = ['number', 'money', 'rating'].includes(fs.kind);
      control = el('input', {
        id,
        name: fs.id,
        type: fs.kind === 'phone' ? 'tel' : fs.kind === 'email' ? 'email' : 'text',
        inputMode: numeric ? 'decimal' : fs.kind === 'phone' ? 'tel' : undefined,
        class: 'control',
      });
      control.addEventListener('input', onInput);
    }
  }
  control.addEventListener('blur', () => {
    if (!state.touched.has(fs.id) && state.values[fs.id] == null) return;
    state.touched.add(fs.id);
    update();
  });
  const shown = el('output', { class: 'shown-value', for: id });
  const unit = def.unit ? el('span', { class: 'unit' }) : null;
  append(
    wrap,
    label,
    el('div', { class: 'control-row' }, control, shown, unit),
    def.help ? el('p', { class: 'help' }) : null,
    el('ul', { class: 'issues' }),
  );
  return wrap;
}

/** The value a control holds, as the engine reads it (empty means "not given"). */
function readControl(kind, wrap) {
  const control = wrap.querySelector('.control');
  switch (kind) {
    case 'yes_no':
      return control.checked;
    case 'multi_select': {
      const chosen = [...control.querySelectorAll('input:checked')].map((i) => i.value);
      return chosen.length ? chosen : null;
    }
    default:
      return control.value.trim() === '' ? null : control.value;
  }
}

/** The entries of an engine object (a plain object; a Map is read too). */
function entriesOf(value) {
  if (value == null) return [];
  return value instanceof Map ? [...value.entries()] : Object.entries(value);
}

function givenValues() {
  const given = {};
  for (const [k, v] of Object.entries(state.values)) if (v != null) given[k] = v;
  return given;
}

function formContext() {
  return { channel: 'portal', now: rfc3339(new Date()) };
}

/** Evaluates the form for a role (null: no role); a refusal becomes the page's problems. */
function evaluate(role) {
  try {
    const options = { context: formContext() };
    if (role) options.role = role;
    return state.engine.evaluateForm(state.formId, givenValues(), options);
  } catch (err) {
    state.problems = err?.problems?.length ? err.problems : [{
      code: err?.code ?? 'error',
      path: err?.path ?? '',
      severity: 'error',
      message: err?.messages ?? { 'zh-CN': String(err?.message ?? err), en: String(err?.message ?? err) },
    }];
    return null;
  }
}

/** Re-evaluates the form and the quote and redraws what changed. */
function update() {
  if (!state.engine || !state.formId) {
    state.view = state.pricing = state.outcome = null;
    return render();
  }
  state.view = evaluate(state.role);
  state.pricing = state.role ? evaluate(null) : state.view;
  state.outcome = state.pricing ? priceForm(state.pricing) : null;
  render();
}

// ---------------------------------------------------------------------------------------------
// The quote request the form makes (see the top of this file), and the engine's answer.

function priceForm(evaluation) {
  const def = formDefinition();
  const items = catalogIds();
  const wrong = new Set(evaluation.errors.map((e) => e.field));
  const values = {};
  for (const [k, v] of entriesOf(evaluation.values)) if (!wrong.has(k)) values[k] = v;
  const states = new Map(evaluation.fields.map((f) => [f.id, f]));
  const labelOf = (id) => text(states.get(id)?.label) || id;

  const needs = [];
  const itemFields = [...def.fields.values()].filter(
    (f) => ['single_select', 'multi_select'].includes(f.kind) && (f.options ?? []).some((o) => items.has(o.id)),
  );
  const quantityField = QUANTITY_FIELDS.find((id) => def.fields.has(id));
  let quantity = '1';
  if (quantityField) {
    if (values[quantityField] == null) needs.push({ field: quantityField, label: labelOf(quantityField) });
    else quantity = String(values[quantityField]);
  }
  const lines = [];
  for (const field of itemFields) {
    const chosen = [values[field.id]].flat().filter((v) => typeof v === 'string' && items.has(v));
    if (!chosen.length && states.get(field.id)?.required) needs.push({ field: field.id, label: labelOf(field.id) });
    for (const item of chosen) lines.push({ item, quantity });
  }
  if (!itemFields.length) return { status: 'unpriced' };
  if (!lines.length && !needs.length) needs.push({ field: null, label: t('needItem') });
  if (needs.length) return { status: 'waiting', needs };

  const context = { channel: 'portal', now: rfc3339(new Date()), form: values };
  for (const key of PRICING_CONTEXT_KEYS) if (values[key] != null) context[key] = values[key];
  const request = { lines, context };
  let outcome;
  try {
    outcome = state.engine.quote(request);
  } catch (err) {
    return { status: 'invalid', stage: 'request', problems: err?.problems ?? [errorProblem(err)], request };
  }
  if (outcome.status === 'invalid') {
    // A rule needs a context value the form gives but the person has not filled in yet: ask
    // for the field rather than show a request problem.
    const missing = outcome.problems.filter((p) => p.code === 'missing-context');
    const asFields = missing
      .map((p) => p.path.match(/^\/context\/(\w+)$/)?.[1])
      .filter((key) => key && def.fields.has(key));
    if (asFields.length && asFields.length === missing.length && missing.length === outcome.problems.length) {
      return {
        status: 'waiting',
        needs: [...new Set(asFields)].map((field) => ({ field, label: labelOf(field) })),
        problems: outcome.problems,
      };
    }
  }
  return { ...outcome, request };
}

function errorProblem(err) {
  const message = String(err?.message ?? err);
  return { code: err?.code ?? 'error', path: err?.path ?? '', severity: 'error', message: err?.messages ?? { 'zh-CN': message, en: message } };
}

function rfc3339(date) {
  const pad = (n) => String(Math.abs(n)).padStart(2, '0');
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(
    date.getMinutes(),
  )}:${pad(date.getSeconds())}${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

// ---------------------------------------------------------------------------------------------
// Drawing.

function render() {
  document.documentElement.lang = state.lang;
  document.title = `${t('brand')} · ${t('navRepair')}`;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  $('#lang-toggle').textContent = t('langButton');
  renderSource();
  renderRoles();
  $('#loading').hidden = true;
  const problems = state.problems;
  $('#bundle-problems').hidden = !problems;
  $('#workspace').hidden = Boolean(problems) || !state.engine;
  if (problems) return renderProblems(problems);
  if (!state.engine) return;
  renderFormHead();
  $('#status').hidden = !state.view;
  $('.form-actions').hidden = !state.view;
  if (!state.view) {
    $('#form-issues').hidden = true;
    $('#quote-area').replaceChildren();
    $('#trace-area').replaceChildren();
    return;
  }
  renderFields(state.view);
  renderStatus(state.view);
  renderQuote(state.outcome);
  renderTrace(state.outcome);
}

function renderSource() {
  const source = state.source;
  $('#bundle-source').textContent = !source ? '…' : source.kind === 'url' ? source.url : t('fromFile', source.name);
  $('#bundle-source').title = $('#bundle-source').textContent;
  $('#bundle-version').textContent = source?.kind === 'url' ? shortTag() : '';
  $('#bundle-reload').hidden = source?.kind !== 'url';
  const formSelect = $('#form-select');
  const forms = state.doc?.forms ?? [];
  formSelect.hidden = forms.length < 2 || !state.engine;
  formSelect.replaceChildren(...forms.map((f) => el('option', { value: f.id, text: text(f.name), selected: f.id === state.formId })));
}

function renderRoles() {
  const select = $('#role');
  const roles = state.doc?.org?.roles ?? [];
  select.replaceChildren(
    el('option', { value: '', text: t('noRole'), selected: state.role == null }),
    ...roles.map((r) => el('option', { value: r.id, text: text(r.name), selected: r.id === state.role })),
  );
  select.disabled = !state.engine;
}

function renderProblems(problems) {
  $('#bundle-problems-title').textContent = t('problemsTitle', problems.length);
  $('#bundle-problem-list').replaceChildren(...problems.map(problemItem));
}

function problemItem(p) {
  const where = p.line != null ? t('lineCol', p.line, p.column ?? 1) : null;
  return el('li', { class: `problem ${p.severity ?? 'error'}`, 'data-path': p.path ?? '', 'data-code': p.code },
    el('code', { class: 'path', text: p.path === '' || p.path == null ? '/' : p.path }),
    el('span', { class: 'code', text: p.code }),
    el('span', { class: 'message', text: text(p.message) }),
    where ? el('span', { class: 'where', text: where }) : null,
    p.hint ? el('span', { class: 'hint', text: `${t('hint')}: ${text(p.hint)}` }) : null);
}

function renderFormHead() {
  const def = formDefinition();
  $('#form-title').textContent = def.form ? text(def.form.name) : t('noForms');
  $('#form-description').textContent = text(def.form?.description);
  for (const fieldset of document.querySelectorAll('#ticket-form fieldset.section')) {
    const section = def.sections.find((s) => s.id === fieldset.dataset.section);
    const legend = fieldset.querySelector('legend');
    if (legend && section) legend.textContent = text(section.title);
  }
  const role = (state.doc?.org?.roles ?? []).find((r) => r.id === state.role);
  $('#role-note').textContent = role ? t('roleNote', text(role.name)) : t('roleNoteNone');
  $('#role-note').dataset.role = state.role ?? '';
}

function optionLabel(def, id) {
  const option = (def.options ?? []).find((o) => o.id === id);
  return option ? text(option.label) : id;
}

function renderFields(view) {
  const def = formDefinition();
  const issuesByField = new Map();
  for (const issue of [...view.errors, ...view.warnings]) {
    if (!issuesByField.has(issue.field)) issuesByField.set(issue.field, []);
    issuesByField.get(issue.field).push(issue);
  }
  for (const fs of view.fields) {
    const wrap = document.querySelector(`.field[data-field="${CSS.escape(fs.id)}"]`);
    if (!wrap) continue;
    const fdef = def.fields.get(fs.id) ?? {};
    const editable = fs.access === 'editable';
    wrap.hidden = !fs.visible;
    wrap.dataset.visible = String(fs.visible);
    wrap.dataset.access = fs.access;
    wrap.dataset.required = String(fs.required);
    wrap.dataset.enabled = String(fs.enabled);
    if (fs.source) wrap.dataset.source = fs.source;
    else delete wrap.dataset.source;
    wrap.querySelector('.label-text').textContent = text(fs.label);
    wrap.querySelector('.req').hidden = !fs.required;
    const badge = wrap.querySelector('.access-badge');
    badge.textContent = fs.access === 'masked' ? t('accessMasked') : fs.access === 'read_only' ? t('accessReadOnly') : editable && !fs.enabled && fs.visible ? t('disabled') : '';
    badge.hidden = !badge.textContent;
    const help = wrap.querySelector('.help');
    if (help) help.textContent = text(fdef.help);
    const unit = wrap.querySelector('.unit');
    if (unit) unit.textContent = text(fdef.unit);

    const control = wrap.querySelector('.control');
    const shown = wrap.querySelector('.shown-value');
    fillOptions(control, fs, fdef);
    control.placeholder = text(fdef.placeholder);
    if (editable && fs.visible) {
      control.hidden = false;
      shown.hidden = true;
      shown.textContent = '';
      setControlDisabled(control, !fs.enabled);
      // The person's own entry stays as typed; a field they have not filled shows the engine's
      // value (a default, a set_value_if, a computed value).
      if (document.activeElement !== control && !control.contains(document.activeElement)) {
        const own = state.values[fs.id];
        writeControl(control, fs.kind, own ?? fs.value ?? null);
      }
    } else {
      // Read-only, masked or hidden for this role: the control is emptied (the portal's data
      // never sits in the page for a role that may not see it) and the engine's answer shows:
      // the masked text for a masked field, the value for a read-only one.
      writeControl(control, fs.kind, null);
      setControlDisabled(control, true);
      control.hidden = true;
      shown.hidden = !fs.visible;
      shown.textContent = fs.access === 'masked'
        ? fs.masked ?? '—'
        : displayValue(fs, fdef);
      shown.dataset.access = fs.access;
    }
    const show = state.showAll || state.touched.has(fs.id);
    const issues = (show && fs.visible ? issuesByField.get(fs.id) : null) ?? [];
    const invalid = issues.some((i) => i.severity === 'error');
    wrap.dataset.invalid = String(invalid);
    control.setAttribute('aria-invalid', String(invalid));
    wrap.querySelector('.issues').replaceChildren(...issues.map((i) =>
      el('li', { class: `issue ${i.severity}`, 'data-rule': i.rule, 'data-severity': i.severity, 'data-path': i.path },
        text(i.message), i.hint ? el('span', { class: 'hint', text: ` ${text(i.hint)}` }) : null)));
  }
  for (const fieldset of document.querySelectorAll('#ticket-form fieldset.section')) {
    fieldset.hidden = ![...fieldset.querySelectorAll('.field')].some((f) => !f.hidden);
  }
  // Problems not tied to a field of the form (an unknown field, a context value missing).
  const known = new Set(view.fields.map((f) => f.id));
  const loose = [...view.errors, ...view.warnings].filter((i) => !known.has(i.field));
  $('#form-issues').hidden = !loose.length;
  $('#form-issues').replaceChildren(...loose.map((i) =>
    el('li', { class: `issue ${i.severity}`, 'data-rule': i.rule, 'data-path': i.path }, el('code', { text: i.path }), ' ', text(i.message))));
}

function displayValue(fs, fdef) {
  const v = fs.value;
  if (v == null) return '—';
  if (fs.kind === 'single_select') return optionLabel(fdef, v);
  if (fs.kind === 'multi_select') return [v].flat().map((id) => optionLabel(fdef, id)).join('、');
  if (fs.kind === 'yes_no') return v ? t('yes') : t('no');
  if (typeof v === 'string') return fdef.unit ? `${v} ${text(fdef.unit)}` : v;
  return JSON.stringify(v);
}

function setControlDisabled(control, disabled) {
  control.disabled = disabled;
  for (const input of control.querySelectorAll?.('input') ?? []) input.disabled = disabled;
}

function fillOptions(control, fs, fdef) {
  const options = fdef.options ?? [];
  if (fs.kind === 'single_select') {
    const current = control.value;
    const wanted = [['', t('choose')], ...options.map((o) => [o.id, text(o.label)])];
    const have = [...control.options].map((o) => [o.value, o.textContent]);
    if (JSON.stringify(have) !== JSON.stringify(wanted)) {
      control.replaceChildren(...wanted.map(([value, label]) => el('option', { value, text: label })));
      control.value = current;
    }
  } else if (fs.kind === 'multi_select') {
    const have = [...control.querySelectorAll('label')].map((l) => l.textContent);
    const wanted = options.map((o) => text(o.label));
    if (JSON.stringify(have) !== JSON.stringify(wanted)) {
      const chosen = new Set([...control.querySelectorAll('input:checked')].map((i) => i.value));
      control.replaceChildren(...options.map((o) =>
        el('label', { class: 'choice' }, el('input', { type: 'checkbox', value: o.id, checked: chosen.has(o.id) }), text(o.label))));
    }
  }
}

function writeControl(control, kind, value) {
  if (kind === 'yes_no') {
    control.checked = value === true;
  } else if (kind === 'multi_select') {
    const chosen = new Set(Array.isArray(value) ? value : []);
    for (const input of control.querySelectorAll('input')) input.checked = chosen.has(input.value);
  } else {
    const next = value == null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    if (control.value !== next) control.value = next;
  }
}

function renderStatus(view) {
  const status = $('#status');
  const errors = view.errors.length;
  status.dataset.state = view.valid ? 'valid' : 'invalid';
  status.replaceChildren();
  append(
    status,
    el('span', { class: 'dot', 'aria-hidden': 'true' }),
    view.valid ? t('valid') : t('invalid', new Set(view.errors.map((e) => e.field)).size || errors),
    view.warnings.length ? el('span', { class: 'warn-count', text: ` · ${t('warnings', view.warnings.length)}` }) : null,
  );
  $('#submit-note').textContent = state.showAll && !view.valid ? t('submitFix') : '';
  const flow = (state.doc?.flows ?? []).find((f) => f.id === view.route);
  $('#route').hidden = !view.route;
  $('#route').dataset.flow = view.route ?? '';
  $('#route').textContent = view.route ? t('route', flow ? text(flow.name) : view.route) : '';
}

function money(amount, currency) {
  const sign = CURRENCY_SIGNS[currency];
  return sign ? `${sign}${amount}` : `${amount} ${currency}`;
}

function ruleName(groupId, ruleId) {
  const group = (state.doc?.pricing?.groups ?? []).find((g) => g.id === groupId);
  const rule = (group?.rules ?? []).find((r) => r.id === ruleId);
  return { group: group ? text(group.name) : groupId, rule: rule ? text(rule.name) : ruleId };
}

function renderQuote(outcome) {
  const area = $('#quote-area');
  if (!outcome) return area.replaceChildren();
  if (outcome.status === 'unpriced') {
    area.replaceChildren(el('div', { id: 'quote', 'data-state': 'unpriced' }, el('p', { class: 'muted', text: t('unpriced') })));
    return;
  }
  if (outcome.status === 'waiting') {
    area.replaceChildren(el('div', { id: 'quote', 'data-state': 'waiting' },
      el('p', { class: 'waiting-title', text: t('waitingTitle') }),
      el('ul', { class: 'needs' }, outcome.needs.map((n) =>
        el('li', { class: 'need', 'data-field': n.field ?? '' }, n.field ? t('needField', n.label) : n.label)))));
    return;
  }
  if (outcome.status === 'invalid') {
    area.replaceChildren(el('div', { id: 'quote', 'data-state': 'invalid', 'data-stage': outcome.stage },
      el('p', { class: 'waiting-title', text: t('quoteProblems') }),
      el('ul', { id: 'quote-problems', class: 'problem-list' }, outcome.problems.map(problemItem))));
    return;
  }
  const q = outcome.quote;
  const rows = q.lines.map((line, i) => {
    const discounted = line.amount !== line.list_amount;
    return el('tr', { class: 'quote-line', 'data-item': line.item, 'data-line': i },
      el('td', { class: 'item' },
        el('div', { class: 'item-name', text: text(line.name) }),
        el('div', { class: 'item-calc' }, `${line.quantity} × ${money(line.unit_price, q.currency)}`,
          line.added_by ? el('span', { class: 'added-by', text: ` · ${t('addedBy', ruleName(findGroupOf(line.added_by), line.added_by).rule)}` }) : null)),
      el('td', { class: 'amount' },
        discounted ? el('s', { class: 'list-amount', title: t('listPrice'), text: money(line.list_amount, q.currency) }) : null,
        el('span', { class: 'line-amount', text: money(line.amount, q.currency) })));
  });
  const adjustments = (q.adjustments ?? []).map((a) =>
    el('tr', { class: 'adjustment', 'data-rule': a.rule },
      el('td', { class: 'item', text: text(a.name) }),
      el('td', { class: 'amount', text: money(a.amount, q.currency) })));
  area.replaceChildren(el('div', { id: 'quote', 'data-state': 'quoted' },
    el('table', { class: 'quote-table' },
      el('tbody', {}, rows),
      el('tbody', { class: 'sums' },
        el('tr', { class: 'subtotal' }, el('td', { text: t('subtotal') }), el('td', { class: 'amount', id: 'quote-subtotal', text: q.subtotal })),
        adjustments,
        el('tr', { class: 'total' }, el('td', { text: t('total') }),
          el('td', { class: 'amount' }, el('span', { class: 'currency', text: `${CURRENCY_SIGNS[q.currency] ?? ''}` }),
            el('span', { id: 'quote-total', text: q.total }), CURRENCY_SIGNS[q.currency] ? null : ` ${q.currency}`))))));
}

function findGroupOf(ruleId) {
  return (state.doc?.pricing?.groups ?? []).find((g) => (g.rules ?? []).some((r) => r.id === ruleId))?.id ?? '';
}

function renderTrace(outcome) {
  const area = $('#trace-area');
  document.querySelector('.trace-card').hidden = outcome?.status === 'unpriced';
  const trace = outcome?.status === 'quoted' ? outcome.quote.trace ?? [] : null;
  if (trace == null) return area.replaceChildren(el('p', { class: 'muted trace-empty', text: t('traceLater') }));
  if (!trace.length) return area.replaceChildren(el('p', { class: 'muted', text: t('noTrace') }));
  const lines = outcome.quote.lines;
  const groups = [];
  for (const step of trace) {
    let group = groups.at(-1);
    if (!group || group.id !== step.group) groups.push((group = { id: step.group, steps: [] }));
    group.steps.push(step);
  }
  area.replaceChildren(el('ol', { id: 'trace', class: 'trace' }, groups.map((g) =>
    el('li', { class: 'trace-group', 'data-group': g.id },
      el('div', { class: 'group-name', text: ruleName(g.id, '').group }),
      el('ol', { class: 'steps' }, g.steps.map((s) => {
        const names = ruleName(s.group, s.rule);
        const where = s.line == null ? t('ticket') : t('line', s.line + 1, text(lines[s.line]?.name) || s.line);
        return el('li', { class: 'step', 'data-rule': s.rule, 'data-outcome': s.outcome, 'data-why': s.why?.code },
          el('div', { class: 'step-head' },
            el('span', { class: 'outcome', 'data-outcome': s.outcome, text: t('outcome')[s.outcome] ?? s.outcome }),
            el('span', { class: 'rule-name', text: names.rule }),
            el('span', { class: 'where', text: where })),
          el('div', { class: 'why', text: text(s.why?.message) }),
          s.before != null || s.formula ? el('div', { class: 'calc' },
            s.before != null ? el('code', { class: 'change', text: `${s.before} → ${s.after}` }) : null,
            s.formula ? el('code', { class: 'formula', text: s.formula }) : null) : null);
      }))))));
}

// ---------------------------------------------------------------------------------------------
// Wiring.

$('#lang-toggle').addEventListener('click', () => {
  state.lang = state.lang === 'zh-CN' ? 'en' : 'zh-CN';
  render();
});

$('#role').addEventListener('change', (event) => {
  state.role = event.currentTarget.value || null;
  update();
});

$('#form-select').addEventListener('change', (event) => {
  state.formId = event.currentTarget.value;
  state.values = {};
  buildForm();
  update();
});

$('#bundle-file').addEventListener('change', async (event) => {
  const input = event.currentTarget;
  const file = input.files?.[0];
  if (!file) return;
  const body = await file.text();
  input.value = '';
  state.source = { kind: 'file', name: file.name };
  setBundleStatus('');
  loadBundle(body);
  update();
});

$('#bundle-reload').addEventListener('click', async () => {
  if (state.source?.kind !== 'url') return;
  await fetchBundle(state.source.url, { again: true });
  update();
});

$('#submit').addEventListener('click', () => {
  state.showAll = true;
  update();
  const view = state.view;
  if (!view) return;
  $('#submitted').hidden = !view.valid;
  if (view.valid) {
    const values = Object.fromEntries(entriesOf(view.values));
    $('#submitted-values').textContent = JSON.stringify({ form: view.form, role: view.role, values, route: view.route }, null, 2);
  } else {
    document.querySelector('.field[data-invalid="true"] .control:not([hidden])')?.focus();
  }
});

async function main() {
  render();
  try {
    await jimu.default();
  } catch (err) {
    showFatal(String(err?.message ?? err));
    return;
  }
  const url = new URL(params.get('bundle') ?? './bundle.json', location.href).href;
  await fetchBundle(url);
  update();
  const poll = Number(params.get('poll'));
  if (poll > 0) setInterval(async () => {
    if (state.source?.kind === 'url') {
      await fetchBundle(state.source.url, { again: true });
      update();
    }
  }, poll * 1000);
  document.body.dataset.ready = 'true';
}

main();

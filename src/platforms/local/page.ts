/**
 * The console's one page: plain HTML, CSS and a small hand-written script (no build step). The script
 * asks /local/api/ for the roster, polls the chosen conversation about once a second (cards come back
 * rendered by card-html.ts), and posts what is typed and clicked. Written without template literals so
 * it can sit in this file as it is.
 */
import { escapeHtml } from "./card-html.ts";

const STYLE = `
*{box-sizing:border-box}
html,body{margin:0;height:100%}
body{font:15px/1.5 -apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;background:#f2f3f5;color:#1f2329}
.app{display:flex;flex-direction:column;height:100dvh;max-width:820px;margin:0 auto;background:#fff}
.top{padding:8px 12px;border-bottom:1px solid #e5e6eb;background:#fff}
.top h1{font-size:16px;margin:0 0 4px}
.top h1 small{font-weight:normal;color:#646a73}
.row{display:flex;flex-wrap:wrap;gap:6px 10px;align-items:center;margin-top:4px}
.row label{font-size:13px;color:#646a73}
select,input,textarea,button{font:inherit}
select,input[type=datetime-local]{max-width:100%;padding:4px 6px;border:1px solid #d0d3d6;border-radius:6px;background:#fff}
.clock{font-size:13px;color:#1f2329}
.clock .moved{color:#d46b08}
.travel button{padding:2px 8px;border:1px solid #d0d3d6;border-radius:6px;background:#fafafa;cursor:pointer}
#log{flex:1;overflow-y:auto;padding:12px;background:#f5f6f7}
.empty-log{color:#8f959e;text-align:center;margin-top:24px;font-size:14px}
.msg{margin:0 0 14px;max-width:560px}
.msg.mine{margin-left:auto}
.msg .who{font-size:12px;color:#8f959e;margin-bottom:2px}
.msg.mine .who{text-align:right}
.bubble{display:inline-block;padding:7px 11px;border-radius:10px;background:#fff;border:1px solid #e5e6eb;white-space:pre-wrap;word-break:break-word}
.msg.mine{text-align:right}
.msg.mine .bubble{background:#d6e4ff;border-color:#adc6ff;text-align:left}
.card{text-align:left;background:#fff;border:1px solid #dee0e3;border-radius:10px;overflow:hidden;box-shadow:0 1px 2px rgba(0,0,0,.04)}
.card-head{padding:9px 12px;color:#fff}
.card-title{font-weight:600}
.card-sub{font-size:12px;opacity:.9}
.tone-blue{background:#3370ff}.tone-green{background:#2ea121}.tone-orange{background:#f57c00}.tone-red{background:#d83931}.tone-grey{background:#8f959e}
.card-body{padding:10px 12px}
.card-body>*+*{margin-top:8px}
.md{word-break:break-word}
.fields{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:6px 12px;margin:0}
.fields dt{font-size:12px;color:#8f959e}
.fields dd{margin:0}
.note{font-size:12px;color:#646a73}
.muted{color:#8f959e}
hr{border:0;border-top:1px solid #e5e6eb}
.buttons{display:flex;flex-wrap:wrap;gap:8px}
.btn{padding:5px 14px;border-radius:6px;border:1px solid #d0d3d6;background:#fff;cursor:pointer}
.btn-primary{background:#3370ff;border-color:#3370ff;color:#fff}
.btn-danger{color:#d83931;border-color:#f5a9a6}
.btn:disabled{opacity:.5;cursor:default}
.card-form .input{margin-bottom:8px}
.card-form label,.card-form .label{display:block;font-size:13px;color:#646a73}
.card-form label.check{display:flex;gap:6px;align-items:flex-start;color:#1f2329;font-size:14px}
.card-form input:not([type=checkbox]),.card-form textarea,.card-form select{width:100%;padding:5px 8px;border:1px solid #d0d3d6;border-radius:6px}
.req{color:#d83931;margin-left:2px}
.chart{margin:0}
.chart svg{width:100%;height:auto}
.chart-title{font-size:13px;color:#646a73}
.chart .bar{fill:#3370ff}.chart .line{fill:none;stroke:#3370ff;stroke-width:2}.chart .dot{fill:#3370ff}
.chart .axis,.chart .val{font-size:10px;fill:#646a73}.chart .axisline{stroke:#d0d3d6}
.compose{border-top:1px solid #e5e6eb;padding:8px 12px;background:#fff}
.chips{display:flex;gap:6px;flex-wrap:wrap;margin-bottom:6px}
.chips button{font-size:12px;padding:2px 8px;border:1px solid #d0d3d6;border-radius:12px;background:#fafafa;cursor:pointer}
#composer{display:flex;gap:8px}
#text{flex:1;min-width:0;padding:7px 10px;border:1px solid #d0d3d6;border-radius:8px}
#send{padding:7px 16px;border:0;border-radius:8px;background:#3370ff;color:#fff;cursor:pointer}
.hint{font-size:12px;color:#8f959e;margin-top:4px}
.setup{padding:24px 16px;text-align:center}
.setup button{margin-top:12px;padding:9px 18px;border:0;border-radius:8px;background:#3370ff;color:#fff;font-size:16px;cursor:pointer}
#toast{position:fixed;left:50%;top:12px;transform:translateX(-50%);max-width:90%;padding:8px 14px;border-radius:8px;background:#1f2329;color:#fff;font-size:14px;z-index:10;white-space:pre-wrap}
#toast.success{background:#2ea121}#toast.warning{background:#f57c00}#toast.error{background:#d83931}
[hidden]{display:none!important}
`;

const SCRIPT = `
(function () {
  "use strict";
  var $ = function (s) { return document.querySelector(s); };
  var state = null;
  var me = localStorage.getItem("zhibu.me") || "";
  var conv = localStorage.getItem("zhibu.conv") || "";
  var version = -1;
  var busy = false;
  var toastTimer = null;

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function toast(text, type) {
    var t = $("#toast");
    t.textContent = text;
    t.className = type || "info";
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { t.hidden = true; }, 4000);
  }
  function api(path, payload) {
    var init = payload === undefined ? {} : {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload)
    };
    return fetch(path, init).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (!res.ok) throw new Error(data.error || ("请求失败（" + res.status + "）"));
        return data;
      });
    });
  }
  function fail(e) { toast(e.message || String(e), "error"); }

  function localParts(iso) {
    var f = new Intl.DateTimeFormat("zh-CN", {
      timeZone: state ? state.timeZone : undefined, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", weekday: "short", hour12: false
    });
    var p = {};
    f.formatToParts(new Date(iso)).forEach(function (x) { p[x.type] = x.value; });
    return p;
  }
  function showClock(now, offsetMs) {
    var p = localParts(now);
    var text = p.year + "年" + Number(p.month) + "月" + Number(p.day) + "日 " + p.weekday + " " + p.hour + ":" + p.minute;
    var moved = "";
    if (offsetMs > 0) {
      var mins = Math.round(offsetMs / 60000);
      var d = Math.floor(mins / 1440), h = Math.floor((mins % 1440) / 60), m = mins % 60;
      moved = "（已快进 " + (d ? d + " 天 " : "") + (h ? h + " 小时 " : "") + (m || (!d && !h) ? m + " 分钟" : "") + "）";
    }
    $("#clock").innerHTML = "控制台时间：" + esc(text) + ' <span class="moved">' + esc(moved) + "</span>";
    var when = $("#travel-to");
    if (!when.value) when.value = p.year + "-" + p.month + "-" + p.day + "T" + p.hour + ":" + p.minute;
    state.now = now;
  }
  function members() {
    var out = [];
    state.branches.forEach(function (b) { b.members.forEach(function (m) { out.push({ m: m, b: b }); }); });
    return out;
  }
  function myBranch() {
    var found = members().filter(function (x) { return x.m.id === me; })[0];
    return found ? found.b : null;
  }
  function fillWho() {
    var who = $("#who");
    who.innerHTML = state.branches.filter(function (b) { return b.members.length > 0; }).map(function (b) {
      return '<optgroup label="' + esc(b.name) + '">' + b.members.map(function (m) {
        return '<option value="' + esc(m.id) + '">' + esc(m.name + (m.roles.length ? " · " + m.roles.join("、") : "")) + "</option>";
      }).join("") + "</optgroup>";
    }).join("");
    var all = members();
    if (!all.some(function (x) { return x.m.id === me; })) me = all.length ? all[0].m.id : "";
    who.value = me;
  }
  function fillChats() {
    var mine = myBranch();
    var options = [];
    state.branches.forEach(function (b) {
      if (!b.chatId) return;
      var own = mine && mine.id === b.id;
      options.push({ value: b.chatId, label: b.name + " 群" + (own ? "（本支部）" : ""), own: own });
    });
    options.sort(function (a, b) { return (b.own ? 1 : 0) - (a.own ? 1 : 0); });
    options.unshift({ value: "p2p_" + me, label: "与 " + state.botName + " 私聊" });
    $("#chat").innerHTML = options.map(function (o) {
      return '<option value="' + esc(o.value) + '">' + esc(o.label) + "</option>";
    }).join("");
    if (conv.indexOf("p2p_") === 0) conv = "p2p_" + me;
    if (!options.some(function (o) { return o.value === conv; })) {
      var own = options.filter(function (o) { return o.own; })[0];
      conv = own ? own.value : options[0].value;
    }
    $("#chat").value = conv;
    localStorage.setItem("zhibu.me", me);
    localStorage.setItem("zhibu.conv", conv);
    updateHint();
  }
  function isGroup() { return conv.indexOf("p2p_") !== 0; }
  function updateHint() {
    $("#hint").textContent = isGroup()
      ? "在群里要先 @" + state.botName + "，机器人才会回应；点下面的快捷词会自动加上。"
      : "私聊时直接输入即可。";
    $("#text").placeholder = isGroup() ? "@" + state.botName + " 帮助" : "帮助";
  }
  function tomorrow() {
    var p = localParts(new Date(new Date(state.now).getTime() + 86400000).toISOString());
    return Number(p.month) + "月" + Number(p.day) + "日";
  }

  function buildEntry(e) {
    var div = document.createElement("div");
    var mine = e.from.id && e.from.id === me;
    div.className = "msg " + (e.from.bot ? "bot" : "person") + (mine ? " mine" : "");
    div.dataset.id = e.id;
    div.dataset.updates = String(e.updates);
    var p = localParts(e.at);
    var who = e.from.bot ? state.botName : e.from.name;
    div.innerHTML = '<div class="who">' + esc(who) + " · " + esc(Number(p.month) + "月" + Number(p.day) + "日 " + p.hour + ":" + p.minute) + "</div>" +
      (e.html ? e.html : '<div class="bubble">' + esc(e.text) + "</div>");
    return div;
  }
  function render(entries) {
    var log = $("#log");
    var atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 120;
    var old = {};
    Array.prototype.forEach.call(log.querySelectorAll(".msg"), function (n) { old[n.dataset.id] = n; });
    var appended = false;
    var nodes = entries.map(function (e) {
      var n = old[e.id];
      // An unchanged card keeps its node, so a form being filled in is not wiped by the next poll.
      if (n && n.dataset.updates === String(e.updates)) return n;
      if (!n) appended = true;
      return buildEntry(e);
    });
    if (nodes.length === 0) {
      var empty = document.createElement("div");
      empty.className = "empty-log";
      empty.textContent = isGroup() ? "这个群里还没有消息。试试点下面的“帮助”。" : "还没有私聊消息。";
      nodes.push(empty);
    }
    log.replaceChildren.apply(log, nodes);
    log.dataset.conv = conv;
    if (appended || atBottom) log.scrollTop = log.scrollHeight;
  }
  function poll() {
    if (!state || state.empty || !conv) return Promise.resolve();
    var asked = conv;
    return api("/local/api/feed?c=" + encodeURIComponent(conv) + "&v=" + version).then(function (data) {
      if (asked !== conv) return;
      showClock(data.now, data.offsetMs);
      if (data.same) return;
      version = data.version;
      render(data.entries);
    });
  }
  function loop() {
    poll().catch(function () {}).then(function () { setTimeout(loop, 1000); });
  }
  function refresh() {
    return api("/local/api/state").then(function (s) {
      state = s;
      $("#setup").hidden = !s.empty;
      $("#main").hidden = s.empty;
      $("#travel").hidden = s.empty;
      showClock(s.now, s.offsetMs);
      if (s.empty) return;
      fillWho();
      fillChats();
      version = -1;
      return poll();
    });
  }

  function send(text) {
    if (!text.trim() || busy) return;
    busy = true;
    $("#send").disabled = true;
    api("/local/api/say", { as: me, conversation: conv, text: text }).then(function () {
      $("#text").value = "";
      return poll();
    }).catch(fail).then(function () { busy = false; $("#send").disabled = false; });
  }
  function click(messageId, index, action, formValue, control) {
    if (control) control.disabled = true;
    var payload = { as: me, messageId: messageId, index: index, action: action };
    if (formValue) payload.formValue = formValue;
    return api("/local/api/click", payload).then(function (r) {
      if (r.toast) toast(r.toast.text, r.toast.type);
      return poll();
    }).catch(fail).then(function () { if (control) control.disabled = false; });
  }

  document.addEventListener("click", function (ev) {
    var b = ev.target.closest("button[data-msg]");
    if (!b) return;
    if (b.dataset.confirm && !window.confirm(b.dataset.confirm)) return;
    click(b.dataset.msg, Number(b.dataset.index), b.dataset.action, undefined, b);
  });
  document.addEventListener("submit", function (ev) {
    var f = ev.target.closest("form.card-form");
    if (!f) return;
    ev.preventDefault();
    var value = {};
    Array.prototype.forEach.call(f.querySelectorAll("[data-multi]"), function (g) { value[g.dataset.multi] = []; });
    Array.prototype.forEach.call(f.elements, function (el) {
      if (!el.name) return;
      if (el.type === "checkbox") { if (el.checked) value[el.name].push(el.value); return; }
      if (el.value !== "") value[el.name] = el.value;
    });
    click(f.dataset.msg, Number(f.dataset.index), f.dataset.action, value, f.querySelector("button[type=submit]"));
  });
  $("#composer").addEventListener("submit", function (ev) { ev.preventDefault(); send($("#text").value); });
  $("#who").addEventListener("change", function () { me = $("#who").value; fillChats(); version = -1; poll(); });
  $("#chat").addEventListener("change", function () {
    conv = $("#chat").value;
    localStorage.setItem("zhibu.conv", conv);
    updateHint();
    version = -1;
    $("#log").replaceChildren();
    delete $("#log").dataset.conv;
    poll();
  });
  Array.prototype.forEach.call(document.querySelectorAll(".chips button"), function (b) {
    b.addEventListener("click", function () {
      var words = b.dataset.words.replace("{明天}", tomorrow());
      var t = $("#text");
      t.value = (isGroup() ? "@" + state.botName + " " : "") + words;
      t.focus();
    });
  });
  function travel(payload) {
    api("/local/api/travel", payload).then(function (r) {
      $("#travel-to").value = "";
      showClock(r.now, r.offsetMs);
      toast("已快进，到期的提醒和卡片已发出", "success");
      version = -1;
      return poll();
    }).catch(fail);
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-travel]"), function (b) {
    b.addEventListener("click", function () { travel({ minutes: Number(b.dataset.travel) }); });
  });
  $("#travel-go").addEventListener("click", function () { travel({ to: $("#travel-to").value }); });
  $("#load-example").addEventListener("click", function () {
    var b = $("#load-example");
    b.disabled = true;
    api("/local/api/load-example", {}).then(function (r) {
      toast(r.message, "success");
      return refresh();
    }).catch(fail).then(function () { b.disabled = false; });
  });

  refresh().catch(fail).then(loop);
})();
`;

/** The whole page; the bot's name is the only thing that varies. */
export function consolePage(botName: string): string {
  const bot = escapeHtml(botName);
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${bot} · 本地体验</title>
<style>${STYLE}</style>
</head>
<body>
<div class="app">
  <div class="top">
    <h1>${bot} <small>· 本地体验控制台（数据存在本机数据库中）</small></h1>
    <div class="row"><span id="clock" class="clock">控制台时间：…</span></div>
    <div class="row travel" id="travel" aria-label="时间快进" hidden>
      <label>时间快进</label>
      <button type="button" data-travel="60">+1 小时</button>
      <button type="button" data-travel="1440">+1 天</button>
      <button type="button" data-travel="10080">+7 天</button>
      <input type="datetime-local" id="travel-to" aria-label="快进到">
      <button type="button" id="travel-go">快进到</button>
    </div>
  </div>
  <section id="setup" class="setup" hidden>
    <p>数据库里还没有名册。</p>
    <p>载入示例名册（examples/org.yaml：某市发改委机关党委，8 个支部、虚构人员）即可开始体验。</p>
    <button type="button" id="load-example">载入示例名册</button>
  </section>
  <div id="main" hidden style="display:flex;flex-direction:column;flex:1;min-height:0">
    <div class="top">
      <div class="row">
        <label for="who">我是</label><select id="who"></select>
        <label for="chat">会话</label><select id="chat"></select>
      </div>
    </div>
    <div id="log" aria-live="polite"></div>
    <div class="compose">
      <div class="chips">
        <button type="button" data-words="帮助">帮助</button>
        <button type="button" data-words="第一议题">第一议题</button>
        <button type="button" data-words="安排 支部党员大会 {明天} 15:00 三楼会议室">安排会议</button>
        <button type="button" data-words="会议记录">会议记录</button>
        <button type="button" data-words="支部情况">支部情况</button>
      </div>
      <form id="composer"><input id="text" autocomplete="off" maxlength="2000" aria-label="输入消息"><button id="send" type="submit">发送</button></form>
      <div id="hint" class="hint"></div>
    </div>
  </div>
</div>
<div id="toast" hidden></div>
<script>${SCRIPT}</script>
</body>
</html>`;
}

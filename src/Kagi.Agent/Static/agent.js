// Kagi agent pages: token notices over the agent's own WebSocket, Next/Change buttons enabled only for valid input,
// the live PIN strength meter, and the optional shuffled on-screen keyboard. PINs go only to this agent (same origin).
(function () {
  'use strict';
  var runToken = document.querySelector('meta[name="kagi-run-token"]').content;
  var notices = document.getElementById('notices');
  var form = document.getElementById('wizard-form') || document.getElementById('pin-change');
  var next = document.getElementById('next') || document.getElementById('change');
  var tokenPresent = true;
  var inputValid = true;

  function notice(text, kind) {
    var p = document.createElement('p');
    p.className = 'notice ' + kind;
    p.textContent = text;
    notices.appendChild(p);
    while (notices.childNodes.length > 3) { notices.removeChild(notices.firstChild); }
  }

  function refreshNext() {
    if (next) { next.disabled = !(tokenPresent && inputValid); }
  }

  // Token inserted / removed notices.
  try {
    var ws = new WebSocket('ws://' + location.host + '/ws');
    ws.onmessage = function (m) {
      var msg;
      try { msg = JSON.parse(m.data); } catch (e) { return; }
      if (msg.type !== 'tokenInserted' && msg.type !== 'tokenRemoved') { return; }
      var inserted = msg.type === 'tokenInserted';
      var template = notices.getAttribute(inserted ? 'data-inserted' : 'data-removed');
      notice(template.replace('{0}', msg.device.label).replace('{1}', msg.device.serial), inserted ? 'inserted' : 'removed');
      if (form && form.getAttribute('data-serial') === msg.device.serial) {
        tokenPresent = inserted;
        refreshNext();
      }
    };
  } catch (e) { /* notices are a convenience; the pages work without them */ }

  function setError(id, messages) {
    var el = document.getElementById(id + '-error');
    var input = document.getElementById(id);
    if (!el || !input) { return; }
    el.textContent = messages.join(' ');
    if (messages.length > 0) { input.setAttribute('aria-invalid', 'true'); } else { input.removeAttribute('aria-invalid'); }
  }

  // STEP 3 (storage PIN) and the restore step (user PIN): the PIN must not be empty.
  var requiredPin = document.getElementById('storagePin') || document.getElementById('userPin');
  if (requiredPin && next) {
    var checkRequired = function () { inputValid = requiredPin.value.length > 0; refreshNext(); };
    requiredPin.addEventListener('input', checkRequired);
    checkRequired();
  }

  // New PIN forms: policy, confirmation and strength checked by the agent as the user types.
  var kind = form && form.getAttribute('data-check');
  if (kind && next) {
    var current = document.getElementById('current');
    var newPin = document.getElementById('newPin');
    var confirmation = document.getElementById('confirmation');
    var meter = document.getElementById('strength');
    var meterText = document.getElementById('strength-text');
    var hints = document.getElementById('strength-hints');
    var serial = document.getElementById('serial'); // the PIN change page's token: its holder's names join the rules
    var pending = 0;
    var check = function () {
      var mine = ++pending;
      var body = { newPin: newPin.value, confirmation: confirmation.value, current: current ? current.value : '', wizard: form.getAttribute('data-wizard'), serial: serial ? serial.value : null };
      fetch('/api/pin-check', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Kagi-Run-Token': runToken }, body: JSON.stringify(body) })
        .then(function (r) { return r.json(); })
        .then(function (result) {
          if (mine !== pending) { return; }
          var levels = { low: 1, medium: 2, high: 3 };
          meter.value = result.level ? levels[result.level] : 0;
          meter.setAttribute('data-level', result.level || 'none');
          meterText.textContent = result.levelText || '';
          hints.textContent = '';
          (result.hints || []).forEach(function (h) { var li = document.createElement('li'); li.textContent = h; hints.appendChild(li); });
          setError('newPin', newPin.value.length > 0 ? result.pinProblems : []);
          setError('confirmation', result.confirmationProblems);
          inputValid = result.valid && (!current || current.value.length > 0);
          refreshNext();
        });
    };
    [current, newPin, confirmation].forEach(function (el) { if (el) { el.addEventListener('input', check); } });
    if (serial) { serial.addEventListener('change', check); }
    inputValid = false;
    refreshNext();
  }

  // Keep one submission per click.
  if (form) {
    form.addEventListener('submit', function () { if (next) { setTimeout(function () { next.disabled = true; }, 0); } });
  }

  // Optional on-screen keyboard with a layout shuffled each time it opens.
  var keys = '0123456789abcdefghijklmnopqrstuvwxyz'.split('');
  function shuffled() {
    var a = keys.slice();
    var r = new Uint32Array(a.length);
    crypto.getRandomValues(r);
    for (var i = a.length - 1; i > 0; i--) { var j = r[i] % (i + 1); var t = a[i]; a[i] = a[j]; a[j] = t; }
    return a;
  }
  Array.prototype.forEach.call(document.querySelectorAll('.osk-toggle'), function (toggle) {
    var input = document.getElementById(toggle.getAttribute('data-for'));
    var pad = null;
    toggle.addEventListener('click', function () {
      if (pad) { pad.remove(); pad = null; toggle.setAttribute('aria-expanded', 'false'); return; }
      pad = document.createElement('div');
      pad.className = 'osk';
      pad.setAttribute('role', 'group');
      pad.setAttribute('aria-label', toggle.textContent);
      shuffled().forEach(function (k) {
        var b = document.createElement('button');
        b.type = 'button';
        b.textContent = k;
        b.addEventListener('click', function () { input.value += k; input.dispatchEvent(new Event('input')); });
        pad.appendChild(b);
      });
      var back = document.createElement('button');
      back.type = 'button';
      back.textContent = '⌫';
      back.setAttribute('aria-label', 'Backspace');
      back.addEventListener('click', function () { input.value = input.value.slice(0, -1); input.dispatchEvent(new Event('input')); });
      pad.appendChild(back);
      toggle.insertAdjacentElement('afterend', pad);
      toggle.setAttribute('aria-expanded', 'true');
    });
  });
})();

// Application portal: talks to the Kagi agent on this PC over its WebSocket API (protocol v1, docs/agent.md).
(function () {
  'use strict';
  var texts = {
    ja: {},
    en: {
      title: 'Certificate application portal', switch: '日本語', checking: 'Looking for the Kagi agent…',
      found: 'Kagi agent {0} found.', noAgent: 'The Kagi agent does not answer on this PC.',
      noAgentHint: 'Start the agent (run "kagi agent", or Kagi agent in the start menu). If it is not installed, download and install it from your organization\'s distribution page. This page then finds it again.',
      retry: 'Check again', formTitle: 'Application', token: 'Token', serial: 'Token serial number', model: 'Token model',
      manufacturer: 'Manufacturer', noToken: 'No token is attached. Insert your USB token.',
      wizardHint: 'PINs are typed only into the Kagi agent\'s own pages, never into this page.', openWizard: 'Start storing the certificate in the Kagi agent'
    }
  };
  var english = new URLSearchParams(location.search).get('lang') === 'en';
  var t = english ? texts.en : texts.ja;
  if (english) {
    document.documentElement.lang = 'en';
    document.getElementById('lang-switch').href = '?';
    Array.prototype.forEach.call(document.querySelectorAll('[data-t]'), function (el) {
      if (t[el.getAttribute('data-t')]) { el.textContent = t[el.getAttribute('data-t')]; }
    });
  }
  var jaFound = 'Kagi エージェント {0} を検出しました。';
  var port = document.body.getAttribute('data-agent-port');
  var devices = [];
  var socket = null;

  function show(id, visible) { document.getElementById(id).hidden = !visible; }

  function render() {
    var select = document.getElementById('token-choice');
    var previous = select.value;
    select.textContent = '';
    devices.forEach(function (d) {
      var o = document.createElement('option');
      o.value = d.serial;
      o.textContent = d.label + ' (' + d.serial + ')';
      select.appendChild(o);
    });
    if (previous && devices.some(function (d) { return d.serial === previous; })) { select.value = previous; }
    var d = devices.filter(function (x) { return x.serial === select.value; })[0] || devices[0];
    document.getElementById('serial').value = d ? d.serial : '';
    document.getElementById('model').value = d ? d.model : '';
    document.getElementById('manufacturer').value = d ? d.manufacturer : '';
    show('no-token', !d);
  }

  function connect() {
    show('no-agent', false);
    var opened = false;
    try {
      socket = new WebSocket('ws://127.0.0.1:' + port + '/ws');
    } catch (e) {
      show('no-agent', true);
      return;
    }
    socket.onopen = function () {
      opened = true;
      socket.send(JSON.stringify({ v: 1, id: 'hello', type: 'hello' }));
      socket.send(JSON.stringify({ v: 1, id: 'devices', type: 'devices' }));
    };
    socket.onmessage = function (m) {
      var msg;
      try { msg = JSON.parse(m.data); } catch (e) { return; }
      if (msg.type === 'hello') {
        document.getElementById('agent-status').textContent = (english ? t.found : jaFound).replace('{0}', msg.agentVersion);
        document.getElementById('agent-status').className = 'box ok';
        show('application', true);
        show('wizard', true);
        document.getElementById('open-wizard').href = 'http://127.0.0.1:' + port + '/wizard';
      } else if (msg.type === 'wizardOpened') {
        // The agent opened its wizard in the user's browser itself; otherwise go there from here.
        if (!msg.browserOpened) { location.href = msg.url; }
      } else if (msg.type === 'devices') {
        devices = msg.devices;
        render();
      } else if (msg.type === 'tokenInserted' || msg.type === 'tokenRemoved') {
        socket.send(JSON.stringify({ v: 1, id: 'devices', type: 'devices' }));
      }
    };
    socket.onclose = function () {
      if (!opened) {
        document.getElementById('agent-status').hidden = true;
        show('no-agent', true);
        show('application', false);
        show('wizard', false);
      }
    };
  }

  document.getElementById('token-choice').addEventListener('change', render);
  document.getElementById('retry').addEventListener('click', function () { document.getElementById('agent-status').hidden = false; connect(); });
  document.getElementById('open-wizard').addEventListener('click', function (e) {
    // Ask the agent to open its wizard; without an open connection the link itself leads to the agent's page.
    if (socket && socket.readyState === WebSocket.OPEN) {
      e.preventDefault();
      socket.send(JSON.stringify({ v: 1, id: 'wizard', type: 'openWizard' }));
    }
  });
  connect();
})();

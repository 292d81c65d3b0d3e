# Regenerates Messages.resx / Messages.ja.resx from messages.json (the single source of the CLI texts).
# Usage: python3 scripts/dev/generate-resx.py src/Kagi.Cli/Resources/messages.json src/Kagi.Cli/Resources/Messages.resx src/Kagi.Cli/Resources/Messages.ja.resx
import sys, json, html
def write(path, entries):
    out = ['<?xml version="1.0" encoding="utf-8"?>','<root>',
    '  <resheader name="resmimetype"><value>text/microsoft-resx</value></resheader>',
    '  <resheader name="version"><value>2.0</value></resheader>',
    '  <resheader name="reader"><value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>',
    '  <resheader name="writer"><value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>']
    for k, v in entries:
        out.append(f'  <data name="{k}" xml:space="preserve"><value>{html.escape(v, quote=False)}</value></data>')
    out.append('</root>')
    open(path,'w',encoding='utf-8').write('\n'.join(out)+'\n')
msgs = json.load(open(sys.argv[1], encoding='utf-8'))
write(sys.argv[2], [(k, v[0]) for k, v in msgs.items()])
write(sys.argv[3], [(k, v[1]) for k, v in msgs.items()])

<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>BudgetMeter</name>
    <message numerus="yes">
        <source>The conversation no longer fits: sending will leave out the %n oldest turn(s) ({messages} messages): {names}</source>
        <translation>
            <numerusform>The conversation no longer fits: sending will leave out the %n oldest turn ({messages} messages): {names}</numerusform>
            <numerusform>The conversation no longer fits: sending will leave out the %n oldest turns ({messages} messages): {names}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ImportController</name>
    <message numerus="yes">
        <source>Imported %n conversation(s) from {name}.</source>
        <translation>
            <numerusform>Imported %n conversation from {name}.</numerusform>
            <numerusform>Imported %n conversations from {name}.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>NotesController</name>
    <message numerus="yes">
        <source>Note “{title}” saved (%n chunk(s)).</source>
        <translation>
            <numerusform>Note “{title}” saved (%n chunk).</numerusform>
            <numerusform>Note “{title}” saved (%n chunks).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Search index rebuilt from your notes: %n chunk(s).</source>
        <translation>
            <numerusform>Search index rebuilt from your notes: %n chunk.</numerusform>
            <numerusform>Search index rebuilt from your notes: %n chunks.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The notes&apos; search index is in this computer&apos;s data folder again (%n chunk(s)).</source>
        <translation>
            <numerusform>The notes&apos; search index is in this computer&apos;s data folder again (%n chunk).</numerusform>
            <numerusform>The notes&apos; search index is in this computer&apos;s data folder again (%n chunks).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The notes&apos; search index is now on {url}: %n chunk(s) pushed from your notes.</source>
        <translation>
            <numerusform>The notes&apos; search index is now on {url}: %n chunk pushed from your notes.</numerusform>
            <numerusform>The notes&apos; search index is now on {url}: %n chunks pushed from your notes.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>NotesPanel</name>
    <message numerus="yes">
        <source>folder, %n file(s)</source>
        <translation>
            <numerusform>folder, %n file</numerusform>
            <numerusform>folder, %n files</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SearchBox</name>
    <message numerus="yes">
        <source>%n message(s) (newest first; type more to narrow)</source>
        <translation>
            <numerusform>%n message (newest first; type more to narrow)</numerusform>
            <numerusform>%n messages (newest first; type more to narrow)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s), newest first</source>
        <translation>
            <numerusform>%n message, newest first</numerusform>
            <numerusform>%n messages, newest first</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ThreadsMenu</name>
    <message numerus="yes">
        <source>Decode with %n thread(s)</source>
        <translation>
            <numerusform>Decode with %n thread</numerusform>
            <numerusform>Decode with %n threads</numerusform>
        </translation>
    </message>
</context>
</TS>

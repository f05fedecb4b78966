<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>RunMonitorWidget</name>
    <message numerus="yes">
        <source>%n epoch(s)</source>
        <translation>
            <numerusform>%n epoch</numerusform>
            <numerusform>%n epochs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n validation image(s)</source>
        <translation>
            <numerusform>%n validation image</numerusform>
            <numerusform>%n validation images</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Stage &apos;{stage}&apos; (%n epoch(s))</source>
        <translation>
            <numerusform>Stage &apos;{stage}&apos; (%n epoch)</numerusform>
            <numerusform>Stage &apos;{stage}&apos; (%n epochs)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> · %n epoch(s) in {duration}</source>
        <translation>
            <numerusform> · %n epoch in {duration}</numerusform>
            <numerusform> · %n epochs in {duration}</numerusform>
        </translation>
    </message>
</context>
</TS>

<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>ClassCountTableWidget</name>
    <message numerus="yes">
        <source>only %n image(s): too few to learn or validate this class well</source>
        <translation>
            <numerusform>only %n image: too few to learn or validate this class well</numerusform>
            <numerusform>only %n images: too few to learn or validate this class well</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ClassifyController</name>
    <message numerus="yes">
        <source>%Ln image(s) are already in the list (Clear classifies them again)</source>
        <translation>
            <numerusform>%Ln image is already in the list (Clear classifies it again)</numerusform>
            <numerusform>%Ln images are already in the list (Clear classifies them again)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ClassifyPage</name>
    <message numerus="yes">
        <source>%Ln image(s) classified</source>
        <translation>
            <numerusform>%Ln image classified</numerusform>
            <numerusform>%Ln images classified</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unreadable file(s)</source>
        <translation>
            <numerusform>%n unreadable file</numerusform>
            <numerusform>%n unreadable files</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DataAuditDialog</name>
    <message numerus="yes">
        <source>Excluded %n image(s) from training; the folder is unchanged. Undo by removing them from the excluded list.</source>
        <translation>
            <numerusform>Excluded %n image from training; the folder is unchanged. Undo by removing them from the excluded list.</numerusform>
            <numerusform>Excluded %n images from training; the folder is unchanged. Undo by removing them from the excluded list.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DatasetSummary</name>
    <message numerus="yes">
        <source>%n class(es)</source>
        <translation>
            <numerusform>%n class</numerusform>
            <numerusform>%n classes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln image(s)</source>
        <translation>
            <numerusform>%Ln image</numerusform>
            <numerusform>%Ln images</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>predefined validation split (%Ln image(s))</source>
        <translation>
            <numerusform>predefined validation split (%Ln image)</numerusform>
            <numerusform>predefined validation split (%Ln images)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln unreadable file(s)</source>
        <translation>
            <numerusform>%Ln unreadable file</numerusform>
            <numerusform>%Ln unreadable files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln file(s) ignored</source>
        <translation>
            <numerusform>%Ln file ignored</numerusform>
            <numerusform>%Ln files ignored</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln image(s) excluded from training</source>
        <translation>
            <numerusform>%Ln image excluded from training</numerusform>
            <numerusform>%Ln images excluded from training</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n warning(s)</source>
        <translation>
            <numerusform>%n warning</numerusform>
            <numerusform>%n warnings</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EmbeddingMapWidget</name>
    <message numerus="yes">
        <source>%n selected.</source>
        <translation>
            <numerusform>%n selected.</numerusform>
            <numerusform>%n selected.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EmptyStateWidget</name>
    <message numerus="yes">
        <source>%n image(s) or folder(s) wait for a model: they are classified as soon as one is loaded.</source>
        <translation>
            <numerusform>%n image or folder waits for a model: it is classified as soon as one is loaded.</numerusform>
            <numerusform>%n images or folders wait for a model: they are classified as soon as one is loaded.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ErrorGalleryDialog</name>
    <message numerus="yes">
        <source>True {true}, predicted {predicted}: %n image(s) (least confident first)</source>
        <translation>
            <numerusform>True {true}, predicted {predicted}: %n image (least confident first)</numerusform>
            <numerusform>True {true}, predicted {predicted}: %n images (least confident first)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>True {true}, predicted {predicted}: %n image(s) (highest loss first)</source>
        <translation>
            <numerusform>True {true}, predicted {predicted}: %n image (highest loss first)</numerusform>
            <numerusform>True {true}, predicted {predicted}: %n images (highest loss first)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>All mistakes: %Ln image(s) (highest loss first)</source>
        <translation>
            <numerusform>All mistakes: %Ln image (highest loss first)</numerusform>
            <numerusform>All mistakes: %Ln images (highest loss first)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copy %n image(s) into {folders}?
You can undo this (Ctrl+Z).</source>
        <translation>
            <numerusform>Copy %n image into {folders}?
You can undo this (Ctrl+Z).</numerusform>
            <numerusform>Copy %n images into {folders}?
You can undo this (Ctrl+Z).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %n image(s) into {folders}?
You can undo this (Ctrl+Z).</source>
        <translation>
            <numerusform>Move %n image into {folders}?
You can undo this (Ctrl+Z).</numerusform>
            <numerusform>Move %n images into {folders}?
You can undo this (Ctrl+Z).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ModelWords</name>
    <message numerus="yes">
        <source>{name} · {backbone} · %n class(es)</source>
        <translation>
            <numerusform>{name} · {backbone} · %n class</numerusform>
            <numerusform>{name} · {backbone} · %n classes</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ResultsPage</name>
    <message numerus="yes">
        <source>%n epoch(s)</source>
        <translation>
            <numerusform>%n epoch</numerusform>
            <numerusform>%n epochs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{backbone} · %n class(es)</source>
        <translation>
            <numerusform>{backbone} · %n class</numerusform>
            <numerusform>{backbone} · %n classes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln image(s) from {folder}</source>
        <translation>
            <numerusform>%Ln image from {folder}</numerusform>
            <numerusform>%Ln images from {folder}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReviewDialog</name>
    <message numerus="yes">
        <source>Copy %n labelled image(s) into the class folders of {root}?
You can undo this (Ctrl+Z).</source>
        <translation>
            <numerusform>Copy %n labelled image into the class folders of {root}?
You can undo this (Ctrl+Z).</numerusform>
            <numerusform>Copy %n labelled images into the class folders of {root}?
You can undo this (Ctrl+Z).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{done} of %Ln image(s) reviewed</source>
        <translation>
            <numerusform>{done} of %Ln image reviewed</numerusform>
            <numerusform>{done} of %Ln images reviewed</numerusform>
        </translation>
    </message>
</context>
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
        <source>%Ln validation image(s)</source>
        <translation>
            <numerusform>%Ln validation image</numerusform>
            <numerusform>%Ln validation images</numerusform>
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

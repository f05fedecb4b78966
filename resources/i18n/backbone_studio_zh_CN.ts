<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>About</name>
    <message>
        <source>Device: {kind} · {label}</source>
        <translation>设备：{kind} · {label}</translation>
    </message>
    <message>
        <source>Device: unknown</source>
        <translation>设备：未知</translation>
    </message>
    <message>
        <source>&lt;b&gt;Backbone Studio&lt;/b&gt; classifies your photos and fine-tunes CNN backbones (AlexNet, VGG, ResNet, MobileNet, EfficientNet, ConvNeXt) on your own folders.</source>
        <translation>&lt;b&gt;Backbone Studio&lt;/b&gt; 可以对你的照片进行分类，并在你自己的文件夹上微调 CNN 骨干网络（AlexNet、VGG、ResNet、MobileNet、EfficientNet、ConvNeXt）。</translation>
    </message>
    <message>
        <source>Log file: {path}</source>
        <translation>日志文件：{path}</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>Something went wrong: {error}

The app keeps running, but the last action may not have completed. The details were written to {log}; please attach that file to a bug report.</source>
        <translation>出错了：{error}

应用仍在运行，但上一个操作可能没有完成。详细信息已写入 {log}；请在报告问题时附上该文件。</translation>
    </message>
    <message>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <source>Loading PyTorch…</source>
        <translation>正在加载 PyTorch…</translation>
    </message>
</context>
<context>
    <name>AuditLaunch</name>
    <message>
        <source>{n} validation image copied in training</source>
        <translation>{n} 张验证图像在训练集中有副本</translation>
    </message>
    <message>
        <source>{n} validation images copied in training</source>
        <translation>{n} 张验证图像在训练集中有副本</translation>
    </message>
</context>
<context>
    <name>BackbonePanelWidget</name>
    <message>
        <source>no pretrained weights exist</source>
        <translation>没有可用的预训练权重</translation>
    </message>
    <message>
        <source>{backbone} has no ImageNet weights; it trains from scratch.</source>
        <translation>{backbone} 没有 ImageNet 权重，将从头训练。</translation>
    </message>
    <message>
        <source>pretrained weights cached here</source>
        <translation>预训练权重已缓存在本机</translation>
    </message>
    <message>
        <source>Starts from ImageNet features: far better with few images.</source>
        <translation>从 ImageNet 特征开始：图像较少时效果好得多。</translation>
    </message>
    <message>
        <source>pretrained weights not on this computer</source>
        <translation>本机没有预训练权重</translation>
    </message>
    <message>
        <source>Unavailable: the ImageNet weights for {backbone} are not cached here. Download them (needs internet) or import a weights file; until then the model trains from scratch.</source>
        <translation>不可用：本机没有缓存 {backbone} 的 ImageNet 权重。请下载（需要联网）或导入权重文件；在此之前模型将从头训练。</translation>
    </message>
    <message>
        <source>Backbone</source>
        <translation>骨干网络</translation>
    </message>
    <message>
        <source>Use pretrained ImageNet weights</source>
        <translation>使用 ImageNet 预训练权重</translation>
    </message>
    <message>
        <source>Import weights file…</source>
        <translation>导入权重文件…</translation>
    </message>
    <message>
        <source>Copy a .pth / .pt / .safetensors file with this backbone&apos;s ImageNet weights into the weights cache (checked against the architecture first)</source>
        <translation>将包含该骨干网络 ImageNet 权重的 .pth / .pt / .safetensors 文件复制到权重缓存中（会先与网络结构核对）</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Download this backbone&apos;s ImageNet weights (needs internet)</source>
        <translation>下载该骨干网络的 ImageNet 权重（需要联网）</translation>
    </message>
    <message>
        <source>Automatic: chosen for your images</source>
        <translation>自动：根据你的图像选择</translation>
    </message>
    <message>
        <source>Chosen when training starts, from what is on this computer: {pretrained} from its ImageNet weights when they are here; otherwise {scratch} from scratch, with a small-image stem for images under {below} px (the network that learned most within a time budget, on small images and on larger ones).</source>
        <translation>在开始训练时根据本机已有的内容选择：本机有 ImageNet 权重时，用 {pretrained} 从这些权重开始；否则从头训练 {scratch}，小于 {below} px 的图像使用小图像 stem（在相同时间预算内，无论小图像还是较大图像，它都是学得最多的网络）。</translation>
    </message>
    <message>
        <source>{automatic}&lt;br&gt;{backbone}: {weights}</source>
        <translation>{automatic}&lt;br&gt;{backbone}：{weights}</translation>
    </message>
    <message>
        <source>{family} · {params} parameters · {gmacs} GMACs at {size} px&lt;br&gt;{weights}</source>
        <translation>{family} · {params} 参数 · {size} px 时 {gmacs} GMACs&lt;br&gt;{weights}</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Pretrained weights</source>
        <translation>预训练权重</translation>
    </message>
    <message>
        <source>Downloading… {done} of {total} MiB</source>
        <translation>正在下载… {done} / {total} MiB</translation>
    </message>
    <message>
        <source>Downloading… {done} MiB</source>
        <translation>正在下载… {done} MiB</translation>
    </message>
    <message>
        <source>Import ImageNet weights for {backbone}</source>
        <translation>导入 {backbone} 的 ImageNet 权重</translation>
    </message>
    <message>
        <source>Weights (*.pth *.pt *.safetensors);;All files (*)</source>
        <translation>权重文件 (*.pth *.pt *.safetensors);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>{backbone} (Automatic)</source>
        <translation>{backbone}（自动）</translation>
    </message>
</context>
<context>
    <name>CalibrationPanelWidget</name>
    <message>
        <source>This model has no calibration: it was trained before Backbone Studio measured it, or its validation set was too small. Its confidences are the network&apos;s own, and nothing is marked &apos;Not sure&apos;. Train it again to calibrate it.</source>
        <translation>这个模型没有校准：它是在 Backbone Studio 开始测量校准之前训练的，或者它的验证集太小。它的置信度就是网络本身输出的值，也不会有任何预测被标为“不确定”。重新训练即可对它进行校准。</translation>
    </message>
    <message>
        <source>Reliability</source>
        <translation>可靠性</translation>
    </message>
    <message>
        <source>confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Coverage and accuracy</source>
        <translation>覆盖率与准确率</translation>
    </message>
    <message>
        <source>coverage (sorted automatically)</source>
        <translation>覆盖率（自动分类的比例）</translation>
    </message>
    <message>
        <source>accuracy of those</source>
        <translation>其中的准确率</translation>
    </message>
    <message>
        <source>Temperature {temperature} on {samples} validation images: calibration error {before} before, {after} after.</source>
        <translation>温度 {temperature}（基于 {samples} 张验证图像）：校准前的校准误差为 {before}，校准后为 {after}。</translation>
    </message>
    <message>
        <source> Below {threshold} confidence a prediction is &apos;Not sure&apos;: on validation {coverage} of images are sorted automatically, {accuracy} of them correctly.</source>
        <translation> 置信度低于 {threshold} 的预测标为“不确定”：在验证集上，{coverage} 的图像被自动分类，其中 {accuracy} 正确。</translation>
    </message>
    <message>
        <source>Reliability · ECE {before} → {after}</source>
        <translation>可靠性 · ECE {before} → {after}</translation>
    </message>
    <message>
        <source>before</source>
        <translation>之前</translation>
    </message>
    <message>
        <source>after</source>
        <translation>之后</translation>
    </message>
</context>
<context>
    <name>ChildRun</name>
    <message>
        <source>All {gpus} GPUs (one process each, NCCL)</source>
        <translation>全部 {gpus} 个 GPU（每个一个进程，NCCL）</translation>
    </message>
    <message>
        <source>{cpus} CPU processes (gloo)</source>
        <translation>{cpus} 个 CPU 进程（gloo）</translation>
    </message>
    <message>
        <source>The training processes ended with status {code}: {said}</source>
        <translation>训练进程以状态 {code} 结束：{said}</translation>
    </message>
</context>
<context>
    <name>ClassCountTableWidget</name>
    <message>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Classes and image counts</source>
        <translation>类别与图像数</translation>
    </message>
    <message>
        <source>no images: this class cannot be learned</source>
        <translation>没有图像：无法学习这个类别</translation>
    </message>
    <message numerus="yes">
        <source>only %n image(s): too few to learn or validate this class well</source>
        <translation>
            <numerusform>只有 %n 张图像：太少，无法很好地学习或验证这个类别</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ClassMetricsTableWidget</name>
    <message>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <source>Support</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>Per-class precision, recall and F1</source>
        <translation>各类别的精确率、召回率和 F1</translation>
    </message>
</context>
<context>
    <name>ClassifyController</name>
    <message>
        <source>Loading {path}</source>
        <translation>加载 {path}</translation>
    </message>
    <message>
        <source>Loading {name}</source>
        <translation>加载 {name}</translation>
    </message>
    <message>
        <source>A model is already being loaded; wait for it to finish.</source>
        <translation>已有模型正在加载，请等待其完成。</translation>
    </message>
    <message>
        <source>Loading {what}…</source>
        <translation>正在加载 {what}…</translation>
    </message>
    <message>
        <source>Could not load {what}</source>
        <translation>无法加载 {what}</translation>
    </message>
    <message>
        <source>{count} model files were dropped; loading {name}.</source>
        <translation>拖入了 {count} 个模型文件；正在加载 {name}。</translation>
    </message>
    <message>
        <source>No model loaded: the images will be classified once a model is loaded.</source>
        <translation>未加载模型：加载模型后即会对这些图像进行分类。</translation>
    </message>
    <message numerus="yes">
        <source>%Ln image(s) are already in the list (Clear classifies them again)</source>
        <translation>
            <numerusform>%Ln 张图像已在列表中（点击“清除”后会重新分类）</numerusform>
        </translation>
    </message>
    <message>
        <source>Classification cancelled.</source>
        <translation>分类已取消。</translation>
    </message>
</context>
<context>
    <name>ClassifyPage</name>
    <message>
        <source>Images ({patterns});;All files (*)</source>
        <translation>图像 ({patterns});;所有文件 (*)</translation>
    </message>
    <message>
        <source>Backbone Studio models (*.safetensors);;All files (*)</source>
        <translation>Backbone Studio 模型 (*.safetensors);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Classify</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Open images…</source>
        <translation>打开图像…</translation>
    </message>
    <message>
        <source>Choose image files to classify (Ctrl+O)</source>
        <translation>选择要分类的图像文件（Ctrl+O）</translation>
    </message>
    <message>
        <source>Open folder…</source>
        <translation>打开文件夹…</translation>
    </message>
    <message>
        <source>Classify every image in a folder and its subfolders</source>
        <translation>对文件夹及其子文件夹中的每张图像进行分类</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>粘贴</translation>
    </message>
    <message>
        <source>Classify an image or files from the clipboard (Ctrl+V)</source>
        <translation>对剪贴板中的图像或文件进行分类（Ctrl+V）</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Save the results as a CSV file, one row per image</source>
        <translation>将结果保存为 CSV 文件，每张图像一行</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Sort folder…</source>
        <translation>整理文件夹…</translation>
    </message>
    <message>
        <source>Sort a folder of photos into class folders; the doubtful ones go to _not_sure</source>
        <translation>将一个照片文件夹按类别整理到各个类别文件夹中；拿不准的照片放入 _not_sure</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Loading {what}…</source>
        <translation>正在加载 {what}…</translation>
    </message>
    <message>
        <source>Drop images or folders above to classify them.</source>
        <translation>将图像或文件夹拖放到上方即可进行分类。</translation>
    </message>
    <message numerus="yes">
        <source>%Ln image(s) classified</source>
        <translation>
            <numerusform>已分类 %Ln 张图像</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unreadable file(s)</source>
        <translation>
            <numerusform>%n 个无法读取的文件</numerusform>
        </translation>
    </message>
    <message>
        <source>{count} not sure</source>
        <translation>{count} 张不确定</translation>
    </message>
    <message>
        <source>Pasted image {number} ({width}×{height})</source>
        <translation>粘贴的图像 {number}（{width}×{height}）</translation>
    </message>
    <message>
        <source>The clipboard holds no image or file: copy an image or image files first.</source>
        <translation>剪贴板中没有图像或文件：请先复制一张图像或一些图像文件。</translation>
    </message>
    <message>
        <source>Open images</source>
        <translation>打开图像</translation>
    </message>
    <message>
        <source>Classify every image in a folder</source>
        <translation>对文件夹中的每张图像进行分类</translation>
    </message>
    <message>
        <source>Open model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <source>Loading model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <source>Could not load the model</source>
        <translation>无法加载模型</translation>
    </message>
    <message>
        <source>Could not load the model {what}.

{message}</source>
        <translation>无法加载模型 {what}。

{message}</translation>
    </message>
    <message>
        <source>Listing files…</source>
        <translation>正在列出文件…</translation>
    </message>
    <message>
        <source>Classification failed</source>
        <translation>分类失败</translation>
    </message>
    <message>
        <source>Saved {count} results to {path}</source>
        <translation>已将 {count} 条结果保存到 {path}</translation>
    </message>
    <message>
        <source>Export results</source>
        <translation>导出结果</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV 文件 (*.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Could not write {path}:
{error}</source>
        <translation>无法写入 {path}：
{error}</translation>
    </message>
    <message>
        <source>Could not save the results</source>
        <translation>无法保存结果</translation>
    </message>
</context>
<context>
    <name>CompareRunsDialog</name>
    <message>
        <source>Before and after the retrain</source>
        <translation>重新训练前后对比</translation>
    </message>
    <message>
        <source>before</source>
        <translation>之前</translation>
    </message>
    <message>
        <source>after</source>
        <translation>之后</translation>
    </message>
    <message>
        <source>change</source>
        <translation>变化</translation>
    </message>
    <message>
        <source>• nothing (the same data)</source>
        <translation>• 无（数据相同）</translation>
    </message>
    <message>
        <source>What changed in the data:
{changed}</source>
        <translation>数据的变化：
{changed}</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>training images</source>
        <translation>训练图像</translation>
    </message>
    <message>
        <source>validation images</source>
        <translation>验证图像</translation>
    </message>
    <message>
        <source>{change} points</source>
        <translation>{change} 个百分点</translation>
    </message>
</context>
<context>
    <name>ConfusionViewWidget</name>
    <message>
        <source>Confusion matrix</source>
        <translation>混淆矩阵</translation>
    </message>
    <message>
        <source>No confusion matrix yet</source>
        <translation>尚无混淆矩阵</translation>
    </message>
    <message>
        <source>predicted</source>
        <translation>预测类别</translation>
    </message>
    <message>
        <source>true class</source>
        <translation>真实类别</translation>
    </message>
    <message>
        <source>true: {true}
predicted: {predicted}
{count} of {total} ({share})
Click to see these images</source>
        <translation>真实：{true}
预测：{predicted}
{total} 张中的 {count} 张（{share}）
点击查看这些图像</translation>
    </message>
</context>
<context>
    <name>CoreMessage</name>
    <message>
        <source>exact duplicates</source>
        <comment>audit.kind.duplicate</comment>
        <translation>完全重复</translation>
    </message>
    <message>
        <source>label conflicts</source>
        <comment>audit.kind.label_conflict</comment>
        <translation>标签冲突</translation>
    </message>
    <message>
        <source>train/validation leakage</source>
        <comment>audit.kind.leakage</comment>
        <translation>训练/验证泄漏</translation>
    </message>
    <message>
        <source>likely mislabelled</source>
        <comment>audit.kind.mislabelled</comment>
        <translation>可能标错</translation>
    </message>
    <message>
        <source>near duplicates</source>
        <comment>audit.kind.near_duplicate</comment>
        <translation>近似重复</translation>
    </message>
    <message>
        <source>outliers</source>
        <comment>audit.kind.outlier</comment>
        <translation>离群图像</translation>
    </message>
    <message>
        <source>{kind}: {count}</source>
        <comment>audit.kind_count</comment>
        <translation>{kind}：{count}</translation>
    </message>
    <message>
        <source>{n:,} validation images have a copy among the training images, so the validation accuracy is higher than the model deserves. Exclude or move the copies, then retrain.</source>
        <comment>audit.leakage_many</comment>
        <translation>{n:,} 张验证图像在训练图像中有副本，因此验证准确率虚高。请排除或移走这些副本，然后重新训练。</translation>
    </message>
    <message>
        <source>{n:,} validation image has a copy among the training images, so the validation accuracy is higher than the model deserves. Exclude or move the copies, then retrain.</source>
        <comment>audit.leakage_one</comment>
        <translation>{n:,} 张验证图像在训练图像中有副本，因此验证准确率虚高。请排除或移走这些副本，然后重新训练。</translation>
    </message>
    <message>
        <source>A near copy (similarity {similarity:.3f}) sits in two classes: &apos;{a}&apos; and &apos;{b}&apos;.</source>
        <comment>audit.reason.conflict_near</comment>
        <translation>近似副本（相似度 {similarity:.3f}）同时位于两个类别：“{a}”和“{b}”。</translation>
    </message>
    <message>
        <source>The same file sits in two classes: &apos;{a}&apos; and &apos;{b}&apos;.</source>
        <comment>audit.reason.conflict_same</comment>
        <translation>同一个文件同时位于两个类别：“{a}”和“{b}”。</translation>
    </message>
    <message>
        <source>{name} is {what} of {other}.</source>
        <comment>audit.reason.copy</comment>
        <translation>{name} 是 {other} 的{what}。</translation>
    </message>
    <message>
        <source>Validation image {name} has {what} among the training images ({other}): its validation result is not a test.</source>
        <comment>audit.reason.leakage</comment>
        <translation>验证图像 {name} 在训练图像中有{what}（{other}）：它的验证结果不能算作测试。</translation>
    </message>
    <message>
        <source>Labelled &apos;{given}&apos;, but heads that never saw it give &apos;{given}&apos; {p_given:.0%} and &apos;{other}&apos; {p_other:.0%}.</source>
        <comment>audit.reason.mislabelled</comment>
        <translation>标注为“{given}”，但从未见过它的分类头给出“{given}” {p_given:.0%}、“{other}” {p_other:.0%}。</translation>
    </message>
    <message>
        <source>Far from every class: {distance:.2f} from the nearest, &apos;{name}&apos;, whose images mostly lie within {limit:.2f}.</source>
        <comment>audit.reason.outlier</comment>
        <translation>离所有类别都很远：与最近的类别“{name}”相距 {distance:.2f}，而该类别的图像大多在 {limit:.2f} 以内。</translation>
    </message>
    <message>
        <source>Audited {images} ({source}); {counts}.</source>
        <comment>audit.summary</comment>
        <translation>已审查 {images}（{source}）；{counts}。</translation>
    </message>
    <message>
        <source>{summary}
{warning}</source>
        <comment>audit.summary_warning</comment>
        <translation>{summary}
{warning}</translation>
    </message>
    <message>
        <source>a near copy (similarity {similarity:.3f})</source>
        <comment>audit.what.near_copy</comment>
        <translation>近似副本（相似度 {similarity:.3f}）</translation>
    </message>
    <message>
        <source>the same file</source>
        <comment>audit.what.same_file</comment>
        <translation>同一文件</translation>
    </message>
    <message>
        <source>Calibrated on {samples} validation images: temperature {temperature:.2f}, calibration error {before:.1%} -&gt; {after:.1%}.</source>
        <comment>calibration.calibrated</comment>
        <translation>已在 {samples} 张验证图像上校准：温度 {temperature:.2f}，校准误差 {before:.1%} -&gt; {after:.1%}。</translation>
    </message>
    <message>
        <source>Not calibrated: {samples} validation images are too few (at least {minimum}); confidences are the model&apos;s own and nothing is marked &apos;Not sure&apos;.</source>
        <comment>calibration.not_calibrated</comment>
        <translation>未校准：{samples} 张验证图像太少（至少需要 {minimum} 张）；置信度为模型自身给出的值，不会把任何预测标为“不确定”。</translation>
    </message>
    <message>
        <source>{calibrated} Predictions below {threshold:.0%} confidence are &apos;Not sure&apos; (accepted ones were {accuracy:.0%}+ correct on validation).</source>
        <comment>calibration.not_sure_below</comment>
        <translation>{calibrated}置信度低于 {threshold:.0%} 的预测标为“不确定”（被接受的预测在验证集上的正确率达 {accuracy:.0%} 以上）。</translation>
    </message>
    <message>
        <source>Calibration skipped ({kind}: {error}); confidences are the model&apos;s own.</source>
        <comment>calibration.skipped</comment>
        <translation>已跳过校准（{kind}：{error}）；置信度为模型自身给出的值。</translation>
    </message>
    <message>
        <source>The data audit needs a backbone that has learned to see: give it a model trained on this folder (--model MODEL.safetensors, or train a quick model first), or put ImageNet weights on this computer (backbone-studio-cli weights download {names}). With random weights every finding would be noise.</source>
        <comment>error.audit.data_audit_needs_backbone</comment>
        <translation>数据审查需要一个已经学会“看”的骨干网络：请提供一个在此文件夹上训练过的模型（--model MODEL.safetensors，或先快速训练一个模型），或者把 ImageNet 权重放到这台电脑上（backbone-studio-cli weights download {names}）。用随机权重得到的每条结果都只是噪声。</translation>
    </message>
    <message>
        <source>None of the images could be read for the data audit.</source>
        <comment>error.audit.none_images_could_read</comment>
        <translation>数据审查无法读取任何图像。</translation>
    </message>
    <message>
        <source>The cached weights file {value} does not fit {display_name} ({error}). Delete it, then download or import the weights again.</source>
        <comment>error.backbone.cached_weights_file_does</comment>
        <translation>缓存的权重文件 {value} 与 {display_name} 不匹配（{error}）。请删除它，然后重新下载或导入权重。</translation>
    </message>
    <message>
        <source>A model needs at least one class (got {num_classes}).</source>
        <comment>error.backbone.model_needs_least_one</comment>
        <translation>模型至少需要一个类别（实际为 {num_classes}）。</translation>
    </message>
    <message>
        <source>{display_name} has no small-image stem; only ResNets do. Use an image size of at least {min_size} px instead.</source>
        <comment>error.backbone.no_small_image_stem</comment>
        <translation>{display_name} 没有小图像 stem；只有 ResNet 有。请改用至少 {min_size} px 的图像尺寸。</translation>
    </message>
    <message>
        <source>Unknown backbone &apos;{name}&apos;. Available: {items}.</source>
        <comment>error.backbone.unknown_backbone_available</comment>
        <translation>未知的骨干网络“{name}”。可用的有：{items}。</translation>
    </message>
    <message>
        <source>{what_capitalized} {path} cannot be read: {error}.</source>
        <comment>error.checkpoint.cannot_read</comment>
        <translation>{what_capitalized} {path} 无法读取：{error}。</translation>
    </message>
    <message>
        <source>The checkpoint {path} cannot be read ({kind}: {error}). It may be damaged or not a Backbone Studio checkpoint; start a new training.</source>
        <comment>error.checkpoint.checkpoint_cannot_read_may</comment>
        <translation>无法读取检查点 {path}（{kind}：{error}）。它可能已损坏，或不是 Backbone Studio 的检查点；请开始新的训练。</translation>
    </message>
    <message>
        <source>The checkpoint {path} cannot be used ({kind}: {error}).</source>
        <comment>error.checkpoint.checkpoint_cannot_used</comment>
        <translation>检查点 {path} 无法使用（{kind}：{error}）。</translation>
    </message>
    <message>
        <source>The checkpoint {path} holds damaged training settings ({reason}). Start a new training.</source>
        <comment>error.checkpoint.checkpoint_holds_damaged_training</comment>
        <translation>检查点 {path} 中的训练设置已损坏（{reason}）。请开始新的训练。</translation>
    </message>
    <message>
        <source>The checkpoint {path} holds damaged training settings ({kind}). Start a new training.</source>
        <comment>error.checkpoint.checkpoint_holds_damaged_training_2</comment>
        <translation>检查点 {path} 中的训练设置已损坏（{kind}）。请开始新的训练。</translation>
    </message>
    <message>
        <source>The checkpoint {path} is incomplete (no {items}); it is damaged or was not written by Backbone Studio. Start a new training.</source>
        <comment>error.checkpoint.checkpoint_incomplete_no_damaged</comment>
        <translation>检查点 {path} 不完整（缺少 {items}）；它已损坏，或不是由 Backbone Studio 写入的。请开始新的训练。</translation>
    </message>
    <message>
        <source>The checkpoint {path} was made with different settings ({items}). Resume with the same settings, or start a new training.</source>
        <comment>error.checkpoint.checkpoint_made_different_settings</comment>
        <translation>检查点 {path} 是用不同的设置生成的（{items}）。请用相同的设置继续训练，或开始新的训练。</translation>
    </message>
    <message>
        <source>Could not write the checkpoint {path}: {error}. Choose a folder you can write to, or free some disk space.</source>
        <comment>error.checkpoint.could_not_write_checkpoint</comment>
        <translation>无法写入检查点 {path}：{error}。请选择一个可写的文件夹，或释放一些磁盘空间。</translation>
    </message>
    <message>
        <source>The dataset changed since the checkpoint {path} was written (files were added, removed or modified). Resuming would mix two datasets; start a new training.</source>
        <comment>error.checkpoint.dataset_changed_since_checkpoint</comment>
        <translation>写入检查点 {path} 之后数据集已改变（有文件被添加、删除或修改）。继续训练会混用两个数据集；请开始新的训练。</translation>
    </message>
    <message>
        <source>{what_capitalized} {path} does not exist; choose the .ckpt file to resume.</source>
        <comment>error.checkpoint.does_not_exist_choose</comment>
        <translation>{what_capitalized} {path} 不存在；请选择要继续训练的 .ckpt 文件。</translation>
    </message>
    <message>
        <source>{path} is not a Backbone Studio training checkpoint (or comes from another version).</source>
        <comment>error.checkpoint.not_backbone_studio_training</comment>
        <translation>{path} 不是 Backbone Studio 的训练检查点（或来自其他版本）。</translation>
    </message>
    <message>
        <source>{root}: cannot read the folder: {error}</source>
        <comment>error.dataset.cannot_read_folder</comment>
        <translation>{root}：无法读取该文件夹：{error}</translation>
    </message>
    <message>
        <source>{part_dir}: cannot read the folder: {exc}</source>
        <comment>error.dataset.cannot_read_folder_2</comment>
        <translation>{part_dir}：无法读取该文件夹：{exc}</translation>
    </message>
    <message>
        <source>{root}: is a file, not a folder — choose a folder with one subfolder per class</source>
        <comment>error.dataset.file_not_folder_choose</comment>
        <translation>{root}：这是一个文件，不是文件夹——请选择一个每个类别一个子文件夹的文件夹</translation>
    </message>
    <message>
        <source>{root}: folder not found — choose an existing folder</source>
        <comment>error.dataset.folder_not_found_choose</comment>
        <translation>{root}：找不到该文件夹——请选择一个存在的文件夹</translation>
    </message>
    <message>
        <source>validation fraction must be between 0 and 1, got {val_fraction}</source>
        <comment>error.dataset.validation_fraction_must_between</comment>
        <translation>验证集比例必须在 0 到 1 之间，实际为 {val_fraction}</translation>
    </message>
    <message>
        <source>The demo dataset has 2 to {max_classes} classes; {classes} was asked for.</source>
        <comment>error.demo.demo_dataset_classes_asked</comment>
        <translation>示例数据集有 2 到 {max_classes} 个类别；要求的是 {classes} 个。</translation>
    </message>
    <message>
        <source>The demo dataset needs at least 1 image per class; got {per_class}.</source>
        <comment>error.demo.demo_dataset_needs_least</comment>
        <translation>示例数据集每个类别至少需要 1 张图像；实际为 {per_class}。</translation>
    </message>
    <message>
        <source>Demo images must be at least 16 px; {size} was asked for.</source>
        <comment>error.demo.demo_images_must_least</comment>
        <translation>示例图像至少要 16 px；要求的是 {size}。</translation>
    </message>
    <message>
        <source>{root} is a file; choose a new or empty folder for the demo data.</source>
        <comment>error.demo.file_choose_new_empty</comment>
        <translation>{root} 是一个文件；请为示例数据选择一个新的或空的文件夹。</translation>
    </message>
    <message>
        <source>{root} is not empty; choose a new or empty folder for the demo data (it never writes next to existing files).</source>
        <comment>error.demo.not_empty_choose_new</comment>
        <translation>{root} 不是空的；请为示例数据选择一个新的或空的文件夹（它从不在已有文件旁边写入）。</translation>
    </message>
    <message>
        <source>Apple MPS was asked for, but it is not available here.</source>
        <comment>error.device.apple_mps_asked_but</comment>
        <translation>要求使用 Apple MPS，但这里不可用。</translation>
    </message>
    <message>
        <source>Device &apos;{spec}&apos; was asked for, but no CUDA GPU is available here. Use --device auto or cpu.</source>
        <comment>error.device.device_asked_but_no</comment>
        <translation>要求使用设备“{spec}”，但这里没有可用的 CUDA GPU。请使用 --device auto 或 cpu。</translation>
    </message>
    <message>
        <source>Device &apos;{spec}&apos; does not exist; this machine has {value}.</source>
        <comment>error.device.device_does_not_exist</comment>
        <translation>设备“{spec}”不存在；这台机器有 {value}。</translation>
    </message>
    <message>
        <source>Unknown device &apos;{spec}&apos;. Use auto, cpu, mps or cuda:N.</source>
        <comment>error.device.unknown_device_use_auto</comment>
        <translation>未知的设备“{spec}”。请使用 auto、cpu、mps 或 cuda:N。</translation>
    </message>
    <message>
        <source>Cannot write {where}: permission denied (choose a folder you can write to).</source>
        <comment>error.disk.denied</comment>
        <translation>无法写入 {where}：权限不足（请选择一个可写的文件夹）。</translation>
    </message>
    <message>
        <source>Cannot write {where}: {detail}.</source>
        <comment>error.disk.failed</comment>
        <translation>无法写入 {where}：{detail}。</translation>
    </message>
    <message>
        <source>The disk is full</source>
        <comment>error.disk.full</comment>
        <translation>磁盘已满</translation>
    </message>
    <message>
        <source>Cannot write {where}: the device reported an input/output error (the disk may be failing or was unplugged; check it, then try again or choose another folder).</source>
        <comment>error.disk.io</comment>
        <translation>无法写入 {where}：设备报告输入/输出错误（磁盘可能出现故障或已被拔出；请检查后重试，或选择其他文件夹）。</translation>
    </message>
    <message>
        <source>needs about {mb:,} MB more</source>
        <comment>error.disk.needs_mb</comment>
        <translation>还需要约 {mb:,} MB</translation>
    </message>
    <message>
        <source>needs more space than is free</source>
        <comment>error.disk.needs_more</comment>
        <translation>所需空间超过可用空间</translation>
    </message>
    <message>
        <source>{full}: writing {where} {more} (free some space or choose another folder).</source>
        <comment>error.disk.no_space</comment>
        <translation>{full}：写入 {where} {more}（请释放一些空间或选择其他文件夹）。</translation>
    </message>
    <message>
        <source>Not enough free space in {path} for {what}: about {mb:,} MB more are needed (free some space or choose another folder).</source>
        <comment>error.disk.not_enough</comment>
        <translation>{path} 的可用空间不足以存放{what}：还需要约 {mb:,} MB（请释放一些空间或选择其他文件夹）。</translation>
    </message>
    <message>
        <source>Your disk quota is used up</source>
        <comment>error.disk.quota</comment>
        <translation>你的磁盘配额已用完</translation>
    </message>
    <message>
        <source>Cannot write {where}: the disk is read-only (choose another folder).</source>
        <comment>error.disk.read_only</comment>
        <translation>无法写入 {where}：磁盘是只读的（请选择其他文件夹）。</translation>
    </message>
    <message>
        <source>the output</source>
        <comment>error.disk.the_output</comment>
        <translation>输出</translation>
    </message>
    <message>
        <source>the write failed</source>
        <comment>error.disk.the_write_failed</comment>
        <translation>写入失败</translation>
    </message>
    <message>
        <source>{text} {kept}</source>
        <comment>error.disk.with_kept</comment>
        <translation>{text}{kept}</translation>
    </message>
    <message>
        <source>Evaluation cancelled.</source>
        <comment>error.evaluate.cancelled</comment>
        <translation>评估已取消。</translation>
    </message>
    <message>
        <source>None of the classes in {root} ({classes}) is a class of the model {model} ({names}). Choose a folder with one subfolder per class of the model.</source>
        <comment>error.evaluate.no_common_class</comment>
        <translation>{root} 中的类别（{classes}）没有一个是模型 {model} 的类别（{names}）。请选择一个每个模型类别一个子文件夹的文件夹。</translation>
    </message>
    <message>
        <source>None of the {count} images in {root} could be read.</source>
        <comment>error.evaluate.none_read</comment>
        <translation>{root} 中的 {count} 张图像一张也无法读取。</translation>
    </message>
    <message>
        <source>The Core ML package {name} does not take one 3 x {input_size} x {input_size} image and give one output (inputs {value}, shape {shape}).</source>
        <comment>error.export.core_ml_package_does</comment>
        <translation>Core ML 包 {name} 不是接受一张 3 x {input_size} x {input_size} 图像并给出一个输出的模型（输入 {value}，形状 {shape}）。</translation>
    </message>
    <message>
        <source>The export was cancelled; nothing was written.</source>
        <comment>error.export.export_cancelled_nothing_written</comment>
        <translation>导出已取消；没有写入任何文件。</translation>
    </message>
    <message>
        <source>The {label} export disagrees with PyTorch: {note}. Nothing was written. The images where they differ most:
{value}</source>
        <comment>error.export.export_disagrees_pytorch_nothing</comment>
        <translation>{label} 导出结果与 PyTorch 不一致：{note}。没有写入任何文件。差异最大的图像：
{value}</translation>
    </message>
    <message>
        <source>The export folder {out} already exists and is not empty; it was left unchanged. Choose another folder, or replace it (--replace on the command line).</source>
        <comment>error.export.export_folder_already_exists</comment>
        <translation>导出文件夹 {out} 已存在且不为空；未做任何改动。请选择其他文件夹，或替换它（命令行中使用 --replace）。</translation>
    </message>
    <message>
        <source>{what} export failed: {kind}: {error}</source>
        <comment>error.export.failed</comment>
        <translation>{what} 导出失败：{kind}：{error}</translation>
    </message>
    <message>
        <source>{out} is a file; choose a folder name for the export.</source>
        <comment>error.export.file_choose_folder_name</comment>
        <translation>{out} 是一个文件；请为导出选择一个文件夹名。</translation>
    </message>
    <message>
        <source>{folder} holds no images to verify the export on.</source>
        <comment>error.export.holds_no_images_verify</comment>
        <translation>{folder} 中没有可用于验证导出结果的图像。</translation>
    </message>
    <message>
        <source>This installation lacks the source of predict.py (core/export/standalone.py); reinstall Backbone Studio.</source>
        <comment>error.export.installation_lacks_source_predict</comment>
        <translation>此安装缺少 predict.py 的源文件（core/export/standalone.py）；请重新安装 Backbone Studio。</translation>
    </message>
    <message>
        <source>INT8 needs calibration images; none could be read.</source>
        <comment>error.export.int_needs_calibration_images</comment>
        <translation>INT8 需要校准图像，但一张也无法读取。</translation>
    </message>
    <message>
        <source>No exporter for {label}.</source>
        <comment>error.export.no_exporter</comment>
        <translation>没有适用于 {label} 的导出器。</translation>
    </message>
    <message>
        <source>{what} cannot express the operator {operator} that this model uses. Choose another format (pt2 keeps every PyTorch operator), or a backbone without that operator.</source>
        <comment>error.export.no_operator</comment>
        <translation>{what} 无法表达此模型使用的算子 {operator}。请选择其他格式（pt2 保留所有 PyTorch 算子），或选择不含该算子的骨干网络。</translation>
    </message>
    <message>
        <source>None of the calibration images could be read; choose another folder.</source>
        <comment>error.export.none_calibration_images_could</comment>
        <translation>无法读取任何校准图像；请选择其他文件夹。</translation>
    </message>
    <message>
        <source>None of the verification images could be read; choose another folder.</source>
        <comment>error.export.none_verification_images_could</comment>
        <translation>无法读取任何验证图像；请选择其他文件夹。</translation>
    </message>
    <message>
        <source>Unknown export format &apos;{name}&apos;. Choose from {items} (torchscript is accepted for pt2: PyTorch now recommends torch.export).</source>
        <comment>error.export.unknown_export_format_choose</comment>
        <translation>未知的导出格式“{name}”。可选：{items}（torchscript 会按 pt2 处理：PyTorch 现在推荐 torch.export）。</translation>
    </message>
    <message>
        <source>The verification folder {folder} does not exist or is not a folder.</source>
        <comment>error.export.verification_folder_does_not</comment>
        <translation>验证文件夹 {folder} 不存在或不是文件夹。</translation>
    </message>
    <message>
        <source>{path}: {reason}</source>
        <comment>error.file_reason</comment>
        <translation>{path}：{reason}</translation>
    </message>
    <message>
        <source>The model {saved} was saved complete (its card is inside it too); only the card beside it is missing.</source>
        <comment>error.kept.card</comment>
        <translation>模型 {saved} 已完整保存（其中也包含模型卡片）；只是旁边的卡片文件缺失。</translation>
    </message>
    <message>
        <source>The last checkpoint {path} is unchanged.</source>
        <comment>error.kept.checkpoint</comment>
        <translation>上一个检查点 {path} 没有改变。</translation>
    </message>
    <message>
        <source>Nothing was written: {out} was not created or changed.</source>
        <comment>error.kept.export</comment>
        <translation>没有写入任何文件：{out} 没有被创建或改动。</translation>
    </message>
    <message>
        <source>No checkpoint was written.</source>
        <comment>error.kept.no_checkpoint</comment>
        <translation>没有写入检查点。</translation>
    </message>
    <message>
        <source>No partial file was left behind.</source>
        <comment>error.kept.no_partial</comment>
        <translation>没有留下不完整的文件。</translation>
    </message>
    <message>
        <source>Nothing was left behind.</source>
        <comment>error.kept.nothing_left</comment>
        <translation>没有留下任何文件。</translation>
    </message>
    <message>
        <source>Nothing was started.</source>
        <comment>error.kept.nothing_started</comment>
        <translation>没有开始任何操作。</translation>
    </message>
    <message>
        <source>The file that was there is unchanged.</source>
        <comment>error.kept.unchanged</comment>
        <translation>原来的文件没有改变。</translation>
    </message>
    <message>
        <source>Cannot move the model in {path} to {device}: {exc}</source>
        <comment>error.model_file.cannot_move_model</comment>
        <translation>无法把 {path} 中的模型移到 {device}：{exc}</translation>
    </message>
    <message>
        <source>Cannot read {path}: {error}.</source>
        <comment>error.model_file.cannot_read</comment>
        <translation>无法读取 {path}：{error}。</translation>
    </message>
    <message>
        <source>Cannot rebuild the model in {path}: {exc}</source>
        <comment>error.model_file.cannot_rebuild_model</comment>
        <translation>无法重建 {path} 中的模型：{exc}</translation>
    </message>
    <message>
        <source>Cannot save {path}: the folder {folder} does not exist.</source>
        <comment>error.model_file.cannot_save_folder_does</comment>
        <translation>无法保存 {path}：文件夹 {folder} 不存在。</translation>
    </message>
    <message>
        <source>{path} has damaged Backbone Studio metadata: {exc}.</source>
        <comment>error.model_file.damaged_backbone_studio_metadata</comment>
        <translation>{path} 的 Backbone Studio 元数据已损坏：{exc}。</translation>
    </message>
    <message>
        <source>{path} is damaged and cannot be read ({exc}). Save or copy the model again.</source>
        <comment>error.model_file.damaged_cannot_read_save</comment>
        <translation>{path} 已损坏，无法读取（{exc}）。请重新保存或复制该模型。</translation>
    </message>
    <message>
        <source>{path} is damaged: the entry for tensor &apos;{name}&apos; is malformed.</source>
        <comment>error.model_file.damaged_entry_tensor_malformed</comment>
        <translation>{path} 已损坏：张量“{name}”的条目格式错误。</translation>
    </message>
    <message>
        <source>{path} does not fit the {name} architecture: {exc}</source>
        <comment>error.model_file.does_not_fit_architecture</comment>
        <translation>{path} 与 {name} 架构不匹配：{exc}</translation>
    </message>
    <message>
        <source>{path} does not match the {name} architecture its metadata names: tensors {items}. The file is damaged or was not saved by Backbone Studio.</source>
        <comment>error.model_file.does_not_match_architecture</comment>
        <translation>{path} 与其元数据所写的 {name} 架构不符：张量 {items}。该文件已损坏，或不是由 Backbone Studio 保存的。</translation>
    </message>
    <message>
        <source>{path} does not match its metadata: tensor &apos;{name}&apos; has shape {shape} in the file but {name2} with {num_classes} classes needs {shape2}. The file is damaged or was edited; train or export the model again.</source>
        <comment>error.model_file.does_not_match_metadata</comment>
        <translation>{path} 与其元数据不符：文件中张量“{name}”的形状是 {shape}，但 {num_classes} 个类别的 {name2} 需要 {shape2}。该文件已损坏或被修改过；请重新训练或导出模型。</translation>
    </message>
    <message>
        <source>{path} is empty or truncated ({size} bytes), not a Backbone Studio model. Save or copy the model again.</source>
        <comment>error.model_file.empty_truncated_bytes_not</comment>
        <translation>{path} 为空或不完整（{size} 字节），不是 Backbone Studio 模型。请重新保存或复制该模型。</translation>
    </message>
    <message>
        <source>{path} is a folder; choose a file name ending in {suffix}.</source>
        <comment>error.model_file.folder_choose_file_name</comment>
        <translation>{path} 是一个文件夹；请选择以 {suffix} 结尾的文件名。</translation>
    </message>
    <message>
        <source>{path} holds non-finite weights (NaN/inf in {items}); it cannot make predictions. Train the model again.</source>
        <comment>error.model_file.holds_non_finite_weights</comment>
        <translation>{path} 含有非有限的权重（{items} 中有 NaN/inf）；它无法做出预测。请重新训练模型。</translation>
    </message>
    <message>
        <source>{path} is inconsistent: its classifier head has {file_outputs} outputs but its metadata lists {num_classes} class names. The file was edited or damaged; train or export the model again.</source>
        <comment>error.model_file.inconsistent_classifier_head_outputs</comment>
        <translation>{path} 前后不一致：分类头有 {file_outputs} 个输出，但元数据列出了 {num_classes} 个类别名。该文件被修改过或已损坏；请重新训练或导出模型。</translation>
    </message>
    <message>
        <source>{path} looks like a PyTorch pickle checkpoint, not a Backbone Studio model; {import_hint}. It was not opened: pickle files can run code.</source>
        <comment>error.model_file.looks_like_pytorch_pickle</comment>
        <translation>{path} 看起来是 PyTorch 的 pickle 检查点，不是 Backbone Studio 模型；{import_hint}。它没有被打开：pickle 文件可以执行代码。</translation>
    </message>
    <message>
        <source>Model file {path} does not exist. Check the path.</source>
        <comment>error.model_file.model_file_does_not</comment>
        <translation>模型文件 {path} 不存在。请检查路径。</translation>
    </message>
    <message>
        <source>{path} is not a Backbone Studio model: its header is not a JSON object.</source>
        <comment>error.model_file.not_backbone_studio_model</comment>
        <translation>{path} 不是 Backbone Studio 模型：它的文件头不是 JSON 对象。</translation>
    </message>
    <message>
        <source>{path} is not a Backbone Studio model: its header is not valid JSON (a damaged or foreign file). Choose a {suffix} model saved by Backbone Studio.</source>
        <comment>error.model_file.not_backbone_studio_model_2</comment>
        <translation>{path} 不是 Backbone Studio 模型：它的文件头不是有效的 JSON（文件已损坏或来自其他程序）。请选择由 Backbone Studio 保存的 {suffix} 模型。</translation>
    </message>
    <message>
        <source>{path} is not a Backbone Studio model (its first bytes announce a {length:,}-byte header in a {size:,}-byte file): it is truncated or another kind of file. Choose a {suffix} model saved by Backbone Studio.</source>
        <comment>error.model_file.not_backbone_studio_model_3</comment>
        <translation>{path} 不是 Backbone Studio 模型（文件开头声明了 {length:,} 字节的文件头，而整个文件只有 {size:,} 字节）：它不完整，或是另一种文件。请选择由 Backbone Studio 保存的 {suffix} 模型。</translation>
    </message>
    <message>
        <source>{path} is a safetensors file but not a Backbone Studio model (it has no &apos;{metadata_key}&apos; metadata). If it holds pretrained backbone weights, {import_hint}.</source>
        <comment>error.model_file.safetensors_file_but_not</comment>
        <translation>{path} 是 safetensors 文件，但不是 Backbone Studio 模型（没有“{metadata_key}”元数据）。如果其中是骨干网络的预训练权重，{import_hint}。</translation>
    </message>
    <message>
        <source>{path} was saved in model format {format_version} by a newer Backbone Studio (app {error}); this version reads format {format_version2}. Update Backbone Studio to open it.</source>
        <comment>error.model_file.saved_model_format_newer</comment>
        <translation>{path} 是由更新版本的 Backbone Studio（应用 {error}）以模型格式 {format_version} 保存的；此版本只能读取格式 {format_version2}。请更新 Backbone Studio 后再打开它。</translation>
    </message>
    <message>
        <source>{path} is truncated: it holds {data_bytes:,} bytes of weights but its header needs {needed:,}. The file was cut short (interrupted copy or download); save or copy it again.</source>
        <comment>error.model_file.truncated_holds_bytes_weights</comment>
        <translation>{path} 不完整：它只有 {data_bytes:,} 字节的权重，而文件头需要 {needed:,} 字节。文件被截断了（复制或下载被中断）；请重新保存或复制。</translation>
    </message>
    <message>
        <source>{path} has an unknown model format version {format_version}.</source>
        <comment>error.model_file.unknown_model_format_version</comment>
        <translation>{path} 的模型格式版本 {format_version} 未知。</translation>
    </message>
    <message>
        <source>{path} uses the backbone &apos;{backbone}&apos;, which this version of Backbone Studio does not know. Update Backbone Studio to open it.</source>
        <comment>error.model_file.uses_backbone_which_version</comment>
        <translation>{path} 使用的骨干网络“{backbone}”是此版本的 Backbone Studio 所不认识的。请更新 Backbone Studio 后再打开它。</translation>
    </message>
    <message>
        <source>{path} {reason}.</source>
        <comment>error.not_a_file</comment>
        <translation>{path} {reason}。</translation>
    </message>
    <message>
        <source>The GPU ran out of memory classifying a single image with {name}. Close other GPU programs or use the CPU (--device cpu).</source>
        <comment>error.predict.gpu_oom_one</comment>
        <translation>用 {name} 分类单张图像时 GPU 内存不足。请关闭其他使用 GPU 的程序，或改用 CPU（--device cpu）。</translation>
    </message>
    <message>
        <source>top-k must be at least 1 (got {top_k}).</source>
        <comment>error.predict.top_k</comment>
        <translation>top-k 至少为 1（收到的是 {top_k}）。</translation>
    </message>
    <message>
        <source>{dest} already exists; it was not overwritten.</source>
        <comment>error.review.already_exists_not_overwritten</comment>
        <translation>{dest} 已存在；未被覆盖。</translation>
    </message>
    <message>
        <source>Cannot create the folder {folder}: {error}. Nothing was changed.</source>
        <comment>error.review.cannot_create_folder_nothing</comment>
        <translation>无法创建文件夹 {folder}：{error}。没有做任何改动。</translation>
    </message>
    <message>
        <source>Cannot move {dest_name} back: {source} exists again. Nothing was changed.</source>
        <comment>error.review.cannot_move_back_exists</comment>
        <translation>无法把 {dest_name} 移回：{source} 又已存在。没有做任何改动。</translation>
    </message>
    <message>
        <source>Cannot move {dest} back: it is no longer there.</source>
        <comment>error.review.cannot_move_back_no</comment>
        <translation>无法把 {dest} 移回：它已经不在那里了。</translation>
    </message>
    <message>
        <source>{dest} was changed since it was copied there; it was left in place.</source>
        <comment>error.review.changed_since_copied_there</comment>
        <translation>{dest} 在复制过去之后被修改过；已保留原样。</translation>
    </message>
    <message>
        <source>Could not {what} {path}: {error}. Nothing was changed.</source>
        <comment>error.review.could_not</comment>
        <translation>无法{what} {path}：{error}。没有做任何改动。</translation>
    </message>
    <message>
        <source>The exclude list {path} cannot be read: {error}.</source>
        <comment>error.review.exclude_list_cannot_read</comment>
        <translation>无法读取排除列表 {path}：{error}。</translation>
    </message>
    <message>
        <source>The exclude list {path} does not exist. Give a text file with one image path per line.</source>
        <comment>error.review.exclude_list_does_not</comment>
        <translation>排除列表 {path} 不存在。请提供一个每行一个图像路径的文本文件。</translation>
    </message>
    <message>
        <source>The list of images excluded from training for {root} ({file}) cannot be read ({exc}). Delete that file to start a new list.</source>
        <comment>error.review.list_images_excluded_training</comment>
        <translation>无法读取 {root} 的排除训练图像列表（{file}）（{exc}）。删除该文件即可开始一个新列表。</translation>
    </message>
    <message>
        <source>{source} is no longer there (moved or deleted since it was scanned); rescan the folder.</source>
        <comment>error.review.no_longer_there_moved</comment>
        <translation>{source} 已经不在那里了（扫描后被移动或删除）；请重新扫描该文件夹。</translation>
    </message>
    <message>
        <source>{path} is not inside a folder named {current_class!r}; move it by hand or rescan the dataset.</source>
        <comment>error.review.not_inside_folder_named</comment>
        <translation>{path} 不在名为 {current_class!r} 的文件夹中；请手动移动它，或重新扫描数据集。</translation>
    </message>
    <message>
        <source>The training folder {root} does not exist. Choose the dataset folder to add to.</source>
        <comment>error.review.training_folder_does_not</comment>
        <translation>训练文件夹 {root} 不存在。请选择要加入的数据集文件夹。</translation>
    </message>
    <message>
        <source>Cannot read the sort manifest {path} ({exc}). Move it away to start a new sort into this folder.</source>
        <comment>error.sort.cannot_read_sort_manifest</comment>
        <translation>无法读取整理清单 {path}（{exc}）。把它移走，即可重新整理到这个文件夹。</translation>
    </message>
    <message>
        <source>Cannot sort {source} into {dest}: the destination must not be the source folder or a folder above it. Choose a new or empty folder elsewhere.</source>
        <comment>error.sort.cannot_sort_into_destination</comment>
        <translation>无法把 {source} 整理到 {dest}：目标不能是源文件夹或它的上级文件夹。请在别处选择一个新的或空的文件夹。</translation>
    </message>
    <message>
        <source>The model {name} has no validation curve to read a threshold for {threshold} accuracy from (it was trained before calibration, or on too few validation images). Give a confidence threshold instead, e.g. 0.9.</source>
        <comment>error.sort.model_no_validation_curve</comment>
        <translation>模型 {name} 没有验证曲线，无法据此读出 {threshold} 准确率对应的阈值（它是在支持校准之前训练的，或验证图像太少）。请改为给出置信度阈值，例如 0.9。</translation>
    </message>
    <message>
        <source>{source} is not a folder. Give the folder of photos to sort.</source>
        <comment>error.sort.not_folder_give_folder</comment>
        <translation>{source} 不是文件夹。请给出要整理的照片文件夹。</translation>
    </message>
    <message>
        <source>{path} is not inside the sorted folder {dest}; only images the sort put there can be filed into its class folders.</source>
        <comment>error.sort.not_inside_sorted_folder</comment>
        <translation>{path} 不在整理后的文件夹 {dest} 中；只有整理时放在那里的图像才能归入其类别文件夹。</translation>
    </message>
    <message>
        <source>{path} is not in the manifest of {dest}; sort the folder again first.</source>
        <comment>error.sort.not_manifest_sort_folder</comment>
        <translation>{path} 不在 {dest} 的清单中；请先重新整理该文件夹。</translation>
    </message>
    <message>
        <source>{path} is not a sort manifest Backbone Studio wrote (its columns differ). Move it away, or sort into another folder.</source>
        <comment>error.sort.not_sort_manifest_backbone</comment>
        <translation>{path} 不是 Backbone Studio 写的整理清单（列不同）。请把它移走，或整理到其他文件夹。</translation>
    </message>
    <message>
        <source>The threshold must be from 0 to 1 (got {threshold}).</source>
        <comment>error.sort.threshold_must_got</comment>
        <translation>阈值必须在 0 到 1 之间（实际为 {threshold}）。</translation>
    </message>
    <message>
        <source>Unknown sort mode {mode!r}: use copy, link or move.</source>
        <comment>error.sort.unknown_sort_mode_use</comment>
        <translation>未知的整理方式 {mode!r}：请使用 copy、link 或 move。</translation>
    </message>
    <message>
        <source>Training setting &apos;{name}&apos; is {value!r}; it must be {allowed}.</source>
        <comment>error.training.bad_setting</comment>
        <translation>训练设置“{name}”的值为 {value!r}；它必须是 {allowed}。</translation>
    </message>
    <message>
        <source>Caching the frozen layers&apos; outputs would need {amount:.1f} GiB of memory for {count} images at {image_size} px. Use the &apos;full&apos; or &apos;head&apos; strategy, a smaller image size, or fewer feature views.</source>
        <comment>error.training.caching_frozen_layers_outputs</comment>
        <translation>缓存冻结层的输出需要 {amount:.1f} GiB 内存（{count} 张 {image_size} px 的图像）。请使用 full 或 head 策略、更小的图像尺寸，或更少的特征视图。</translation>
    </message>
    <message>
        <source>The checkpoint {path} does not fit this model or is damaged ({kind}: {error}). Start a new training.</source>
        <comment>error.training.checkpoint_does_not_fit</comment>
        <translation>检查点 {path} 与此模型不匹配或已损坏（{kind}：{error}）。请开始新的训练。</translation>
    </message>
    <message>
        <source>The checkpoint {path} holds damaged settings ({kind}: {error}). Start a new training.</source>
        <comment>error.training.checkpoint_holds_damaged_settings</comment>
        <translation>检查点 {path} 中的设置已损坏（{kind}：{error}）。请开始新的训练。</translation>
    </message>
    <message>
        <source>Every training image of this epoch failed to load.</source>
        <comment>error.training.every_training_image_epoch</comment>
        <translation>这一轮的所有训练图像都加载失败。</translation>
    </message>
    <message>
        <source>Image size {image_size} px is too small for {display_name}; use at least {min_size} px.</source>
        <comment>error.training.image_size_px_too</comment>
        <translation>图像尺寸 {image_size} px 对 {display_name} 来说太小；请至少使用 {min_size} px。</translation>
    </message>
    <message>
        <source>The ImageNet weights for {display_name} are not on this computer. Download them (Weights &gt; Download, or `backbone-studio-cli weights download {name}`), import a weights file, or train from scratch (pretrained off).</source>
        <comment>error.training.imagenet_weights_not_computer</comment>
        <translation>这台电脑上没有 {display_name} 的 ImageNet 权重。请下载（权重 &gt; 下载，或 `backbone-studio-cli weights download {name}`）、导入权重文件，或从头训练（关闭预训练）。</translation>
    </message>
    <message>
        <source>{display_name} has no pretrained weights; set pretrained to false (train from scratch) or choose another backbone.</source>
        <comment>error.training.no_pretrained_weights_set</comment>
        <translation>{display_name} 没有预训练权重；请把 pretrained 设为 false（从头训练），或选择其他骨干网络。</translation>
    </message>
    <message>
        <source>No training batch could be formed: the training images could not be read.</source>
        <comment>error.training.no_training_batch_could</comment>
        <translation>无法组成任何训练批次：训练图像无法读取。</translation>
    </message>
    <message>
        <source>No validation image could be read; check the dataset folder.</source>
        <comment>error.training.no_validation_image_could</comment>
        <translation>无法读取任何验证图像；请检查数据集文件夹。</translation>
    </message>
    <message>
        <source>The {what} became NaN/inf at epoch {epoch}, batch {batch} — lower the learning rate (currently {learning_rate:g}). {kept}</source>
        <comment>error.training.non_finite</comment>
        <translation>第 {epoch} 轮第 {batch} 个批次时{what}变成了 NaN/inf——请降低学习率（当前为 {learning_rate:g}）。{kept}</translation>
    </message>
    <message>
        <source>None of the images could be read for the feature pass.</source>
        <comment>error.training.none_images_could_read</comment>
        <translation>计算特征时无法读取任何图像。</translation>
    </message>
    <message>
        <source>Out of memory on {device} even at batch size 1. Choose a smaller image size or backbone, close other programs using the GPU, or train on the CPU.</source>
        <comment>error.training.out_memory_even_batch</comment>
        <translation>{device} 内存不足，即使批大小为 1 也不够。请选择更小的图像尺寸或骨干网络，关闭其他占用 GPU 的程序，或在 CPU 上训练。</translation>
    </message>
    <message>
        <source>Out of memory on {device} while validating epoch {epoch}. Set a smaller batch size or image size, or close other programs using the GPU.</source>
        <comment>error.training.out_of_memory_validating</comment>
        <translation>验证第 {epoch} 轮时 {device} 内存不足。请设置更小的批大小或图像尺寸，或关闭其他占用 GPU 的程序。</translation>
    </message>
    <message>
        <source>There is no trained model to save ({outcome}: {message}). Train at least one epoch first.</source>
        <comment>error.training.there_no_trained_model</comment>
        <translation>没有可保存的训练好的模型（{outcome}：{message}）。请至少先训练一轮。</translation>
    </message>
    <message>
        <source>{root} has too few images to train and validate ({count} for training, {count2} for validation); add more images.</source>
        <comment>error.training.too_few_images_train</comment>
        <translation>{root} 的图像太少，无法训练和验证（训练 {count} 张，验证 {count2} 张）；请添加更多图像。</translation>
    </message>
    <message>
        <source>Training needs at least two classes; {root} has {count}.</source>
        <comment>error.training.training_needs_least_two</comment>
        <translation>训练至少需要两个类别；{root} 只有 {count} 个。</translation>
    </message>
    <message>
        <source>The training settings must be a JSON object.</source>
        <comment>error.training.training_settings_must_json</comment>
        <translation>训练设置必须是一个 JSON 对象。</translation>
    </message>
    <message>
        <source>The training settings are not valid JSON: {reason}</source>
        <comment>error.training.training_settings_not_valid</comment>
        <translation>训练设置不是有效的 JSON：{reason}</translation>
    </message>
    <message>
        <source>Unknown training {word}: {items}. Known: {items2}.</source>
        <comment>error.training.unknown_training_known</comment>
        <translation>未知的训练{word}：{items}。可用的有：{items2}。</translation>
    </message>
    <message>
        <source>The cached weights file {path} is damaged ({exc}). Delete it and download or import the weights again.</source>
        <comment>error.weights.cached_weights_file_damaged</comment>
        <translation>缓存的权重文件 {path} 已损坏（{exc}）。请删除它，然后重新下载或导入权重。</translation>
    </message>
    <message>
        <source>{source} cannot be read: {error}.</source>
        <comment>error.weights.cannot_read</comment>
        <translation>无法读取 {source}：{error}。</translation>
    </message>
    <message>
        <source>{exc} Choose a .pth or .safetensors weights file.</source>
        <comment>error.weights.choose_pth_safetensors_weights</comment>
        <translation>{exc} 请选择 .pth 或 .safetensors 权重文件。</translation>
    </message>
    <message>
        <source>{source} does not fit {display_name}: {exc}. Pick the weights file made for {display_name} (torchvision&apos;s is {value}).</source>
        <comment>error.weights.does_not_fit_pick</comment>
        <translation>{source} 与 {display_name} 不匹配：{exc}。请选择为 {display_name} 制作的权重文件（torchvision 的是 {value}）。</translation>
    </message>
    <message>
        <source>Download of {display_name} weights cancelled.</source>
        <comment>error.weights.download_weights_cancelled</comment>
        <translation>{display_name} 权重的下载已取消。</translation>
    </message>
    <message>
        <source>The downloaded weights for {display_name} are corrupt (checksum mismatch). Try again later.</source>
        <comment>error.weights.downloaded_weights_corrupt_checksum</comment>
        <translation>下载的 {display_name} 权重已损坏（校验和不符）。请稍后重试。</translation>
    </message>
    <message>
        <source>The ImageNet weights for {display_name} are not on this computer (expected {path}). Download them, import a weights file, or train from scratch.</source>
        <comment>error.weights.imagenet_weights_not_computer</comment>
        <translation>这台电脑上没有 {display_name} 的 ImageNet 权重（应在 {path}）。请下载、导入权重文件，或从头训练。</translation>
    </message>
    <message>
        <source>{display_name} has no pretrained weights; train it from scratch instead.</source>
        <comment>error.weights.no_pretrained_weights_train</comment>
        <translation>{display_name} 没有预训练权重；请改为从头训练。</translation>
    </message>
    <message>
        <source>{source}: no such file.</source>
        <comment>error.weights.no_such_file</comment>
        <translation>{source}：没有这个文件。</translation>
    </message>
    <message>
        <source>{source} is not a weights file that can be read safely ({error}). Use a PyTorch state dict (.pth) or a .safetensors file.</source>
        <comment>error.weights.not_weights_file_can</comment>
        <translation>{source} 不是可以安全读取的权重文件（{error}）。请使用 PyTorch state dict（.pth）或 .safetensors 文件。</translation>
    </message>
    <message>
        <source>Could not download the ImageNet weights for {display_name} ({reason}). You seem to be offline. Either connect and try again, or fetch
  {url}
on another machine and import it with &apos;Import weights file...&apos; (or: backbone-studio-cli weights import {name} FILE). You can also train from scratch without pretrained weights.</source>
        <comment>error.weights.offline</comment>
        <translation>无法下载 {display_name} 的 ImageNet 权重（{reason}）。你似乎没有联网。请联网后重试，或在另一台电脑上获取
  {url}
再用“导入权重文件…”导入（或：backbone-studio-cli weights import {name} FILE）。也可以不用预训练权重，从头训练。</translation>
    </message>
    <message>
        <source>{count} images of {folder} (no class folders: no accuracy)</source>
        <comment>export.images_no_classes</comment>
        <translation>{folder} 中的 {count} 张图像（没有类别文件夹：不计算准确率）</translation>
    </message>
    <message>
        <source>top-1 accuracy changes by {points:+.1f} points</source>
        <comment>export.note.accuracy_changes</comment>
        <translation>top-1 准确率变化 {points:+.1f} 个百分点</translation>
    </message>
    <message>
        <source>top-1 accuracy drops by {points:.1f} points (at most 1 allowed)</source>
        <comment>export.note.accuracy_drops</comment>
        <translation>top-1 准确率下降 {points:.1f} 个百分点（最多允许 1 个）</translation>
    </message>
    <message>
        <source>{share:.1%} of top-1 labels differ from PyTorch (no labels to measure accuracy; at most 1 % allowed)</source>
        <comment>export.note.labels_differ</comment>
        <translation>{share:.1%} 的 top-1 标签与 PyTorch 不同（没有标签可用于测量准确率；最多允许 1 %）</translation>
    </message>
    <message>
        <source>no labels: judged by top-1 agreement with PyTorch</source>
        <comment>export.note.no_labels</comment>
        <translation>没有标签：按与 PyTorch 的 top-1 一致率判断</translation>
    </message>
    <message>
        <source>structure checked: input {input} N x 3 x {input_size} x {input_size}, output {output} ({classes} logits); its predictions are compared with PyTorch only on macOS</source>
        <comment>export.note.structure_checked</comment>
        <translation>已检查结构：输入 {input} N x 3 x {input_size} x {input_size}，输出 {output}（{classes} 个 logits）；只有在 macOS 上才会与 PyTorch 对比其预测</translation>
    </message>
    <message>
        <source>only {agreement:.1%} of top-1 labels agree with PyTorch (at least {needed:.1%} needed)</source>
        <comment>export.note.too_few_agree</comment>
        <translation>只有 {agreement:.1%} 的 top-1 标签与 PyTorch 一致（至少需要 {needed:.1%}）</translation>
    </message>
    <message>
        <source>{count} validation images of {folder}</source>
        <comment>export.validation_images</comment>
        <translation>{folder} 中的 {count} 张验证图像</translation>
    </message>
    <message>
        <source>AVIF images are not supported by this installation — convert to JPEG or PNG</source>
        <comment>image.avif</comment>
        <translation>此安装不支持 AVIF 图像 — 请转换为 JPEG 或 PNG</translation>
    </message>
    <message>
        <source>unsupported colour mode {mode} ({error})</source>
        <comment>image.colour_mode</comment>
        <translation>不支持的颜色模式 {mode}（{error}）</translation>
    </message>
    <message>
        <source>damaged {fmt} file: {error}</source>
        <comment>image.damaged</comment>
        <translation>{fmt} 文件已损坏：{error}</translation>
    </message>
    <message>
        <source>damaged {fmt} file: its header cannot be read</source>
        <comment>image.damaged_header</comment>
        <translation>{fmt} 文件已损坏：无法读取其文件头</translation>
    </message>
    <message>
        <source>empty file (0 bytes)</source>
        <comment>image.empty</comment>
        <translation>空文件（0 字节）</translation>
    </message>
    <message>
        <source>HEIC/HEIF images are not supported — convert to JPEG</source>
        <comment>image.heif</comment>
        <translation>不支持 HEIC/HEIF 图像 — 请转换为 JPEG</translation>
    </message>
    <message>
        <source>is a folder, not an image</source>
        <comment>image.is_folder</comment>
        <translation>是文件夹，不是图像</translation>
    </message>
    <message>
        <source>not enough memory to decode this image</source>
        <comment>image.no_memory_decode</comment>
        <translation>内存不足，无法解码此图像</translation>
    </message>
    <message>
        <source>not enough memory to open this image</source>
        <comment>image.no_memory_open</comment>
        <translation>内存不足，无法打开此图像</translation>
    </message>
    <message>
        <source>not an image (a PDF document) — export its pages as PNG or JPEG</source>
        <comment>image.pdf</comment>
        <translation>不是图像（是 PDF 文档）— 请将其页面导出为 PNG 或 JPEG</translation>
    </message>
    <message>
        <source>permission denied — check the file&apos;s permissions</source>
        <comment>image.permission</comment>
        <translation>权限被拒绝 — 请检查文件的权限</translation>
    </message>
    <message>
        <source>{count:,} pixels</source>
        <comment>image.pixels</comment>
        <translation>{count:,} 像素</translation>
    </message>
    <message>
        <source>PostScript/EPS files are not supported — export it as PNG or JPEG</source>
        <comment>image.postscript</comment>
        <translation>不支持 PostScript/EPS 文件 — 请导出为 PNG 或 JPEG</translation>
    </message>
    <message>
        <source>cannot read the file: {error}</source>
        <comment>image.read_error</comment>
        <translation>无法读取文件：{error}</translation>
    </message>
    <message>
        <source>SVG vector images are not supported — export it as PNG</source>
        <comment>image.svg</comment>
        <translation>不支持 SVG 矢量图 — 请导出为 PNG</translation>
    </message>
    <message>
        <source>not an image (looks like text)</source>
        <comment>image.text</comment>
        <translation>不是图像（看起来是文本）</translation>
    </message>
    <message>
        <source>image is too large ({pixels}) — looks like a decompression bomb</source>
        <comment>image.too_large</comment>
        <translation>图像过大（{pixels}）— 看起来像解压炸弹</translation>
    </message>
    <message>
        <source>too many pixels</source>
        <comment>image.too_many_pixels</comment>
        <translation>像素过多</translation>
    </message>
    <message>
        <source>truncated or damaged {fmt}: {error} — the file was cut off (interrupted copy or download?)</source>
        <comment>image.truncated</comment>
        <translation>{fmt} 被截断或已损坏：{error} — 文件不完整（复制或下载被中断？）</translation>
    </message>
    <message>
        <source>not an image (unrecognised content)</source>
        <comment>image.unrecognised</comment>
        <translation>不是图像（无法识别的内容）</translation>
    </message>
    <message>
        <source>file vanished (moved or deleted?)</source>
        <comment>image.vanished</comment>
        <translation>文件已消失（被移动或删除？）</translation>
    </message>
    <message>
        <source>not an image (looks like a video file)</source>
        <comment>image.video</comment>
        <translation>不是图像（看起来是视频文件）</translation>
    </message>
    <message>
        <source>not an image (a ZIP archive) — extract it first</source>
        <comment>image.zip</comment>
        <translation>不是图像（是 ZIP 压缩包）— 请先解压</translation>
    </message>
    <message>
        <source>No training batch could be formed: the training images could not be read.</source>
        <comment>lr_find.no_batch</comment>
        <translation>无法组成训练批次：训练图像无法读取。</translation>
    </message>
    <message>
        <source>The loss did not fall clearly at any rate tried: keep the automatic learning rate.</source>
        <comment>lr_find.no_suggestion</comment>
        <translation>在所试的学习率下损失都没有明显下降：请保留自动学习率。</translation>
    </message>
    <message>
        <source>Out of memory on {device} during the learning-rate sweep. Choose a smaller batch size or image size.</source>
        <comment>lr_find.out_of_memory</comment>
        <translation>学习率扫描期间 {device} 内存不足。请选择更小的批大小或图像尺寸。</translation>
    </message>
    <message>
        <source>Suggested learning rate {suggestion:.2g}: a tenth of {lowest:.2g}, where the loss was lowest.</source>
        <comment>lr_find.suggested</comment>
        <translation>建议学习率 {suggestion:.2g}：即损失最低处 {lowest:.2g} 的十分之一。</translation>
    </message>
    <message>
        <source>The learning-rate finder needs more training images (fewer than 5 steps ran).</source>
        <comment>lr_find.too_few</comment>
        <translation>学习率查找器需要更多训练图像（运行的步数少于 5 步）。</translation>
    </message>
    <message>
        <source>Automatic backbone: {backbone} from scratch. Within the same time budget it learned the most of the networks tried: on 900 icons of 128 px in 100 s, 96 % against 86 % for MobileNetV3 Small (docs/TRAINING.md). Pretrained weights would do much better: download them on the Train page or with `backbone-studio-cli weights download {pretrained}`.</source>
        <comment>plan.auto.large</comment>
        <translation>自动选择骨干网络：{backbone}，从头训练。在相同时间预算内，它是所试网络中学得最多的：在 900 张 128 px 图标上训练 100 秒，准确率 96 %，而 MobileNetV3 Small 为 86 %（docs/TRAINING.md）。使用预训练权重会好得多：可在“训练”页面下载，或运行 `backbone-studio-cli weights download {pretrained}`。</translation>
    </message>
    <message>
        <source>Automatic backbone: {backbone} from scratch with the small-image stem (images under {below} px). Within the same time budget it learned the most of the networks tried: on 900 icons of 48 px in 100 s, 99 % against 81 % for MobileNetV3 Small (docs/TRAINING.md).</source>
        <comment>plan.auto.small</comment>
        <translation>自动选择骨干网络：{backbone}，从头训练并使用小图像 stem（图像小于 {below} px）。在相同时间预算内，它是所试网络中学得最多的：在 900 张 48 px 图标上训练 100 秒，准确率 99 %，而 MobileNetV3 Small 为 81 %（docs/TRAINING.md）。</translation>
    </message>
    <message>
        <source>Automatic backbone: {backbone} from its ImageNet weights, which are on this computer (starting from pretrained features is far better than from scratch, above all with few images).</source>
        <comment>plan.auto.pretrained</comment>
        <translation>自动选择骨干网络：{backbone}，从本机已有的 ImageNet 权重开始（从预训练特征开始远好于从头训练，图像少时尤其如此）。</translation>
    </message>
    <message>
        <source>Batch size {batch} ({why}).</source>
        <comment>plan.batch</comment>
        <translation>批大小 {batch}（{why}）。</translation>
    </message>
    <message>
        <source>Batch size {cap}: {batch} would suit the hardware ({why}), but with {n_train} training images that leaves too few steps per epoch.</source>
        <comment>plan.batch.capped</comment>
        <translation>批大小 {cap}：{batch} 更适合当前硬件（{why}），但只有 {n_train} 张训练图像时，每轮的迭代步数会太少。</translation>
    </message>
    <message>
        <source>CPU, {size} px</source>
        <comment>plan.batch.why_cpu</comment>
        <translation>CPU，{size} px</translation>
    </message>
    <message>
        <source>{gib:.0f} GiB GPU, {size} px, {gmacs:.1f} GMACs at 224 px</source>
        <comment>plan.batch.why_cuda</comment>
        <translation>{gib:.0f} GiB GPU，{size} px，224 px 时 {gmacs:.1f} GMACs</translation>
    </message>
    <message>
        <source>Apple GPU</source>
        <comment>plan.batch.why_mps</comment>
        <translation>Apple GPU</translation>
    </message>
    <message>
        <source>Time budget {budget} (automatic: about a minute per thousand training images, at least 1 and at most 15 minutes).</source>
        <comment>plan.budget.auto</comment>
        <translation>时间预算 {budget}（自动：每千张训练图像约 1 分钟，最少 1 分钟，最多 15 分钟）。</translation>
    </message>
    <message>
        <source>Time budget {budget}: the run stops when the time is up (the epochs above are cheap on cached features and usually end well before).</source>
        <comment>plan.budget.frozen</comment>
        <translation>时间预算 {budget}：时间用完时训练停止（上述轮次在缓存的特征上开销很小，通常会提前结束）。</translation>
    </message>
    <message>
        <source>Time budget {budget}, everything after the scan included: every layer trains for as long as the budget allows, with the learning rate laid out over the time so that it anneals to its end when the time is up; the number of epochs follows from the speed measured on the first steps and is re-planned after each epoch.</source>
        <comment>plan.budget.full</comment>
        <translation>时间预算 {budget}，包括扫描之后的所有步骤：所有层在预算允许的时间内一直训练，学习率按时间安排，在时间用完时正好退火到终点；轮次数由最初几步测得的速度决定，并在每轮之后重新规划。</translation>
    </message>
    <message>
        <source>No time budget: the epochs were chosen.</source>
        <comment>plan.budget.none_epochs</comment>
        <translation>无时间预算：已指定轮次。</translation>
    </message>
    <message>
        <source>No time budget: from pretrained weights the planned epochs are few (an automatic budget is for runs from scratch, whose length is otherwise arbitrary).</source>
        <comment>plan.budget.none_pretrained</comment>
        <translation>无时间预算：从预训练权重开始时计划的轮次很少（自动预算用于从头训练，否则其时长没有依据）。</translation>
    </message>
    <message>
        <source>Imbalanced classes: the largest has {ratio:.1f}x the training images of the smallest. The loss is not re-weighted, which keeps overall accuracy highest (measured); set Class weighting to On if the rare classes matter as much as the common ones.</source>
        <comment>plan.class_weights.imbalanced</comment>
        <translation>类别不平衡：最大类别的训练图像数是最小类别的 {ratio:.1f} 倍。损失不做重新加权，这样整体准确率最高（实测）；如果稀有类别与常见类别同样重要，请把“类别加权”设为“开”。</translation>
    </message>
    <message>
        <source>Class-weighted loss (on): every class counts the same.</source>
        <comment>plan.class_weights.on</comment>
        <translation>类别加权损失（开）：每个类别的权重相同。</translation>
    </message>
    <message>
        <source>Image size {size} px (the backbone&apos;s default).</source>
        <comment>plan.image_size.default</comment>
        <translation>图像尺寸 {size} px（骨干网络的默认值）。</translation>
    </message>
    <message>
        <source>Image size {size} px: the median short side of {sampled} sampled images is {median} px (kept within {low}-{high} px for {backbone}; small images are not blown up).</source>
        <comment>plan.image_size.median</comment>
        <translation>图像尺寸 {size} px：抽样的 {sampled} 张图像短边的中位数为 {median} px（对 {backbone} 限制在 {low}-{high} px 之间；小图像不会被放大）。</translation>
    </message>
    <message>
        <source>Label smoothing {smoothing:g}.</source>
        <comment>plan.label_smoothing</comment>
        <translation>标签平滑 {smoothing:g}。</translation>
    </message>
    <message>
        <source>Precision {precision}: this CPU computes bf16 natively.</source>
        <comment>plan.precision.cpu_bf16</comment>
        <translation>精度 {precision}：此 CPU 原生支持 bf16 计算。</translation>
    </message>
    <message>
        <source>Precision {precision}: this CPU has no native bf16, and emulated bf16 is several times slower.</source>
        <comment>plan.precision.cpu_fp32</comment>
        <translation>精度 {precision}：此 CPU 不原生支持 bf16，模拟 bf16 会慢好几倍。</translation>
    </message>
    <message>
        <source>Precision {precision} (automatic mixed precision on {name}).</source>
        <comment>plan.precision.gpu</comment>
        <translation>精度 {precision}（在 {name} 上使用自动混合精度）。</translation>
    </message>
    <message>
        <source>{epochs} epochs of every layer; learning rate {top:g} for the head down to {low:g} for the first layers (pretrained layers change slowly).</source>
        <comment>plan.recipe.full_pretrained</comment>
        <translation>训练所有层 {epochs} 轮；学习率从分类头的 {top:g} 递减到最前面几层的 {low:g}（预训练的层变化较慢）。</translation>
    </message>
    <message>
        <source>{epochs} epochs of every layer from random initialisation, learning rate {top:g} for all layers (nothing pretrained to preserve).</source>
        <comment>plan.recipe.full_scratch</comment>
        <translation>从随机初始化开始训练所有层 {epochs} 轮，所有层的学习率均为 {top:g}（没有需要保留的预训练内容）。</translation>
    </message>
    <message>
        <source>{epochs} epochs of the head on cached features (after one feature pass, each epoch takes a tiny fraction of a full-network epoch); learning rate {lr:g}.</source>
        <comment>plan.recipe.head</comment>
        <translation>在缓存的特征上训练分类头 {epochs} 轮（提取一遍特征后，每轮只需完整网络一轮的极小一部分时间）；学习率 {lr:g}。</translation>
    </message>
    <message>
        <source>{epochs} epochs of the last stage and the head on cached fp16 outputs of the frozen earlier layers; learning rate {lr:g}.</source>
        <comment>plan.recipe.partial</comment>
        <translation>在已冻结的前面各层的缓存 fp16 输出上，训练最后一个阶段和分类头 {epochs} 轮；学习率 {lr:g}。</translation>
    </message>
    <message>
        <source>Stage 1: {head_epochs} head epochs on cached features (learning rate {head_lr:g}, milliseconds each). Stage 2: {full_epochs} epochs of every layer, learning rate {top:g} for the head down to {low:g} for the first layers (fastai&apos;s fine_tune), with BatchNorm statistics kept from stage 1.</source>
        <comment>plan.recipe.two_stage</comment>
        <translation>阶段 1：在缓存的特征上训练分类头 {head_epochs} 轮（学习率 {head_lr:g}，每轮仅需几毫秒）。阶段 2：训练所有层 {full_epochs} 轮，学习率从分类头的 {top:g} 递减到最前面几层的 {low:g}（即 fastai 的 fine_tune），并保留阶段 1 的 BatchNorm 统计量。</translation>
    </message>
    <message>
        <source>Resuming: image size, batch size, epochs, learning rates and time budget as in the checkpoint.</source>
        <comment>plan.resuming</comment>
        <translation>继续训练：图像尺寸、批大小、轮次、学习率和时间预算与检查点中的相同。</translation>
    </message>
    <message>
        <source>Small-image stem (3x3 stride-{stride} first convolution, no max-pool): training {backbone} from scratch on {size} px images (&lt; {below} px); the first stage sees {feature_size} px feature maps, as ImageNet-size networks do.</source>
        <comment>plan.small_stem</comment>
        <translation>小图像 stem（第一层为 3x3、步长 {stride} 的卷积，无最大池化）：在 {size} px 图像（&lt; {below} px）上从头训练 {backbone}；第一个阶段看到 {feature_size} px 的特征图，与 ImageNet 尺寸的网络相当。</translation>
    </message>
    <message>
        <source>Note: &apos;{strategy}&apos; freezes randomly initialised layers; it learns from random features only. Pretrained weights usually do much better.</source>
        <comment>plan.strategy.frozen_random</comment>
        <translation>注意：“{strategy}”会冻结随机初始化的层，只能从随机特征中学习。使用预训练权重通常效果好得多。</translation>
    </message>
    <message>
        <source>Strategy full: from random initialisation every layer has to learn.</source>
        <comment>plan.strategy.full</comment>
        <translation>策略 full：从随机初始化开始，每一层都需要学习。</translation>
    </message>
    <message>
        <source>Strategy two_stage: with pretrained weights, first train the head on cached features, then fine-tune every layer.</source>
        <comment>plan.strategy.two_stage</comment>
        <translation>策略 two_stage：使用预训练权重，先在缓存的特征上训练分类头，再微调所有层。</translation>
    </message>
    <message>
        <source>Loader workers: {workers} (persistent, pinned memory).</source>
        <comment>plan.workers</comment>
        <translation>数据加载进程：{workers}（常驻进程，锁页内存）。</translation>
    </message>
    <message>
        <source>Loader workers: 0 (on the CPU the network&apos;s compute dominates; decoded images are cached in memory after the first epoch).</source>
        <comment>plan.workers.cpu</comment>
        <translation>数据加载进程：0（在 CPU 上网络计算占主要时间；第一轮之后解码的图像会缓存在内存中）。</translation>
    </message>
    <message>
        <source>Loader workers: 0 (packaged app).</source>
        <comment>plan.workers.frozen</comment>
        <translation>数据加载进程：0（打包的应用）。</translation>
    </message>
    <message>
        <source>The folder this training used, {folder}, is not there any more. Put it back to resume, or discard the unfinished training.</source>
        <comment>resume.folder_gone</comment>
        <translation>这次训练使用的文件夹 {folder} 已不存在。请把它放回原处以继续训练，或丢弃未完成的训练。</translation>
    </message>
    <message>
        <source>A training did not finish: {backbone} on {folder}, {epoch} of {epochs} done{best} ({when}). Resume it from there, or discard it; a new training replaces it.</source>
        <comment>resume.offer</comment>
        <translation>有一次训练没有完成：在 {folder} 上训练 {backbone}，已完成 {epoch} / {epochs}{best}（{when}）。可以从该处继续训练，或将其丢弃；开始新的训练会替换它。</translation>
    </message>
    <message>
        <source>, best validation accuracy {accuracy:.1f}%</source>
        <comment>resume.offer.best</comment>
        <translation>，最佳验证准确率 {accuracy:.1f}%</translation>
    </message>
    <message>
        <source>earlier</source>
        <comment>resume.offer.earlier</comment>
        <translation>之前</translation>
    </message>
    <message>
        <source>backbone features</source>
        <comment>run.backbone_features</comment>
        <translation>骨干网络特征</translation>
    </message>
    <message>
        <source>BatchNorm momentum raised to 0.1 in {layers} layers so their statistics keep up with a from-scratch run.</source>
        <comment>run.batchnorm_momentum</comment>
        <translation>已把 {layers} 个层的 BatchNorm 动量提高到 0.1，使其统计量跟得上从头训练。</translation>
    </message>
    <message>
        <source>The time budget of {budget} is too short to train every layer usefully ({count} {word}); give it at least {least}.</source>
        <comment>run.budget_too_short</comment>
        <translation>{budget} 的时间预算太短，无法有效地训练所有层（{count} {word}）；请至少给 {least}。</translation>
    </message>
    <message>
        <source>Training failed unexpectedly ({kind}: {error}). This is a bug in Backbone Studio; the details are in the log — please report them.</source>
        <comment>run.bug</comment>
        <translation>训练意外失败（{kind}：{error}）。这是 Backbone Studio 的缺陷；详细信息在日志中——请报告给我们。</translation>
    </message>
    <message>
        <source>Cached {train_shape} training and {val_shape} validation {what} ({size:.1f} MiB).</source>
        <comment>run.cached</comment>
        <translation>已缓存训练集 {train_shape} 和验证集 {val_shape} 的{what}（{size:.1f} MiB）。</translation>
    </message>
    <message>
        <source>features</source>
        <comment>run.cached.features</comment>
        <translation>特征</translation>
    </message>
    <message>
        <source>trunk outputs</source>
        <comment>run.cached.trunk_outputs</comment>
        <translation>主干输出</translation>
    </message>
    <message>
        <source>Cancelled at epoch {epoch}, batch {batch}.</source>
        <comment>run.cancelled_at</comment>
        <translation>已在第 {epoch} 轮第 {batch} 个批次取消。</translation>
    </message>
    <message>
        <source>Cancelled during the feature pass.</source>
        <comment>run.cancelled_features</comment>
        <translation>已在计算特征时取消。</translation>
    </message>
    <message>
        <source>Early stopping in stage &apos;{stage}&apos; after epoch {epoch}: no better validation accuracy for {epochs}.</source>
        <comment>run.early_stop</comment>
        <translation>阶段“{stage}”在第 {epoch} 轮后提前停止：连续 {epochs}验证准确率没有提高。</translation>
    </message>
    <message>
        <source>Computing {kind} once for {train} training images x {views} and {val}</source>
        <comment>run.feature_pass</comment>
        <translation>计算一次{kind}：{train} 张训练图像 × {views}，以及 {val}</translation>
    </message>
    <message>
        <source>Finished.</source>
        <comment>run.finished</comment>
        <translation>已完成。</translation>
    </message>
    <message>
        <source>Finished {epochs}; best validation accuracy {accuracy:.1%} at epoch {epoch}.</source>
        <comment>run.finished_best</comment>
        <translation>已完成 {epochs}；最佳验证准确率 {accuracy:.1%}（第 {epoch} 轮）。</translation>
    </message>
    <message>
        <source>frozen-layer outputs</source>
        <comment>run.frozen_outputs</comment>
        <translation>冻结层的输出</translation>
    </message>
    <message>
        <source>{kept}.</source>
        <comment>run.kept</comment>
        <translation>{kept}。</translation>
    </message>
    <message>
        <source>The best weights so far (epoch {epoch}, validation accuracy {accuracy:.1%}) are kept</source>
        <comment>run.kept_best</comment>
        <translation>已保留目前最好的权重（第 {epoch} 轮，验证准确率 {accuracy:.1%}）</translation>
    </message>
    <message>
        <source>No epoch was completed, so no trained weights are kept</source>
        <comment>run.kept_nothing</comment>
        <translation>没有完成任何一轮，因此没有保留训练好的权重</translation>
    </message>
    <message>
        <source>{kept}; resume from {checkpoint}.</source>
        <comment>run.kept_resume</comment>
        <translation>{kept}；可从 {checkpoint} 继续训练。</translation>
    </message>
    <message>
        <source>Measured {seconds:.1f} s per epoch (training and validation): about {epochs} fit in the time budget of {budget}.</source>
        <comment>run.measured</comment>
        <translation>实测每轮 {seconds:.1f} 秒（训练加验证）：{budget} 的时间预算内大约可以训练 {epochs}。</translation>
    </message>
    <message>
        <source>No time left in the budget for stage &apos;{stage}&apos;.</source>
        <comment>run.no_time_left</comment>
        <translation>时间预算已用完，阶段“{stage}”没有剩余时间。</translation>
    </message>
    <message>
        <source>Out of memory on {device} at batch size {batch_size}; retrying the epoch with batch size {new}.</source>
        <comment>run.oom_retry</comment>
        <translation>{device} 在批大小为 {batch_size} 时内存不足；改用批大小 {new} 重新训练这一轮。</translation>
    </message>
    <message>
        <source>Resuming after epoch {epoch} of {epochs}.</source>
        <comment>run.resuming</comment>
        <translation>从第 {epoch}/{epochs} 轮之后继续训练。</translation>
    </message>
    <message>
        <source>Skipped {path}: {reason}</source>
        <comment>run.skipped</comment>
        <translation>已跳过 {path}：{reason}</translation>
    </message>
    <message>
        <source>Training every layer</source>
        <comment>run.stage.full</comment>
        <translation>训练所有层</translation>
    </message>
    <message>
        <source>Training the head on cached features</source>
        <comment>run.stage.head</comment>
        <translation>在缓存的特征上训练分类头</translation>
    </message>
    <message>
        <source>Training the last stage and the head on cached trunk outputs</source>
        <comment>run.stage.partial</comment>
        <translation>在缓存的主干输出上训练最后一个阶段和分类头</translation>
    </message>
    <message>
        <source>{first} {second}</source>
        <comment>run.two_sentences</comment>
        <translation>{first}{second}</translation>
    </message>
    <message>
        <source>Checking ONNX Runtime against PyTorch on the first images (once for this model file; the result is cached)…</source>
        <comment>runtime.building</comment>
        <translation>正在用前几张图像对比 ONNX Runtime 与 PyTorch（每个模型文件只做一次；结果会被缓存）…</translation>
    </message>
    <message>
        <source>ONNX Runtime runs on the CPU here; classifying with PyTorch on {device}.</source>
        <comment>runtime.cpu_only</comment>
        <translation>ONNX Runtime 在这里只能在 CPU 上运行；改用 PyTorch 在 {device} 上分类。</translation>
    </message>
    <message>
        <source>Classifying with PyTorch: ONNX Runtime agreed with it on only {agreed} of {checked} images checked ({needed} needed).</source>
        <comment>runtime.disagrees</comment>
        <translation>正在用 PyTorch 分类：在检查的 {checked} 张图像中，ONNX Runtime 只有 {agreed} 张与它一致（至少需要 {needed}）。</translation>
    </message>
    <message>
        <source>Could not run the model in ONNX Runtime ({error}); classifying with PyTorch.</source>
        <comment>runtime.export_failed</comment>
        <translation>无法在 ONNX Runtime 中运行该模型（{error}）；改用 PyTorch 分类。</translation>
    </message>
    <message>
        <source>Classifying with ONNX Runtime: the same answer as PyTorch on {agreed} of {checked} images checked ({speedup:.1f}x as fast here).</source>
        <comment>runtime.forced</comment>
        <translation>正在用 ONNX Runtime 分类：在检查的 {checked} 张图像中有 {agreed} 张与 PyTorch 结果相同（在这里快 {speedup:.1f} 倍）。</translation>
    </message>
    <message>
        <source>No readable image to compare the runtimes on; classifying with PyTorch.</source>
        <comment>runtime.no_images</comment>
        <translation>没有可读取的图像用于对比两种运行时；改用 PyTorch 分类。</translation>
    </message>
    <message>
        <source>The checked ONNX model could not be cached ({error}); the next job checks again.</source>
        <comment>runtime.not_cached</comment>
        <translation>检查过的 ONNX 模型无法缓存（{error}）；下一次任务会重新检查。</translation>
    </message>
    <message>
        <source>{missing}; classifying with PyTorch.</source>
        <comment>runtime.not_installed</comment>
        <translation>{missing}；改用 PyTorch 分类。</translation>
    </message>
    <message>
        <source>Classifying with PyTorch: ONNX Runtime gives the same answers but classifies these images no faster here ({speedup:.1f}x).</source>
        <comment>runtime.slower</comment>
        <translation>正在用 PyTorch 分类：ONNX Runtime 给出相同的结果，但在这台电脑上分类这些图像并不更快（{speedup:.1f} 倍）。</translation>
    </message>
    <message>
        <source>Classifying with ONNX Runtime: {speedup:.1f}x as fast as PyTorch on these images here, with the same answer on {agreed} of {checked} images checked.</source>
        <comment>runtime.used</comment>
        <translation>正在用 ONNX Runtime 分类：在这台电脑上分类这些图像的速度是 PyTorch 的 {speedup:.1f} 倍，且在检查的 {checked} 张图像中有 {agreed} 张结果相同。</translation>
    </message>
    <message>
        <source>broken symbolic link (its target is missing)</source>
        <comment>scan.broken_link</comment>
        <translation>失效的符号链接（目标不存在）</translation>
    </message>
    <message>
        <source>class &apos;{name}&apos; has no usable images and was left out</source>
        <comment>scan.class_left_out</comment>
        <translation>类别“{name}”没有可用的图像，已被略去</translation>
    </message>
    <message>
        <source>class &apos;{name}&apos; has only {images}; at least {minimum} are recommended (and one goes to validation)</source>
        <comment>scan.few_images</comment>
        <translation>类别“{name}”只有 {images}；建议至少 {minimum} 张（其中一张会用于验证）</translation>
    </message>
    <message>
        <source>{extra}/ is not used: {train}/ and {val}/ are the training and validation split</source>
        <comment>scan.folder_not_used</comment>
        <translation>未使用 {extra}/：{train}/ 和 {val}/ 分别是训练集和验证集</translation>
    </message>
    <message>
        <source>cannot open the folder: {error}</source>
        <comment>scan.folder_unreadable</comment>
        <translation>无法打开文件夹：{error}</translation>
    </message>
    <message>
        <source>found no class folder with images</source>
        <comment>scan.found_none</comment>
        <translation>没有找到含有图像的类别文件夹</translation>
    </message>
    <message>
        <source>found {count} class folder with images (&apos;{name}&apos;)</source>
        <comment>scan.found_one</comment>
        <translation>只找到 {count} 个含有图像的类别文件夹（“{name}”）</translation>
    </message>
    <message>
        <source>classes are very imbalanced: &apos;{big}&apos; has {big_count} images, &apos;{small}&apos; only {small_count} ({ratio:.0f}:1); add images to the small classes if you can</source>
        <comment>scan.imbalanced</comment>
        <translation>类别非常不均衡：“{big}”有 {big_count} 张图像，而“{small}”只有 {small_count} 张（{ratio:.0f}:1）；如有可能，请为小类别补充图像</translation>
    </message>
    <message>
        <source>{where}: {found}; at least two classes are needed. Expected layout: one subfolder per class with its images inside, e.g. {name}/cats/001.jpg and {name}/dogs/001.jpg (or train/&lt;class&gt;/... and val/&lt;class&gt;/...).{hint}</source>
        <comment>scan.layout</comment>
        <translation>{where}：{found}；至少需要两个类别。应有的结构：每个类别一个子文件夹，图像放在里面，例如 {name}/cats/001.jpg 和 {name}/dogs/001.jpg（或 train/&lt;class&gt;/... 和 val/&lt;class&gt;/...）。{hint}</translation>
    </message>
    <message>
        <source>symbolic link loop (the link leads back to itself)</source>
        <comment>scan.link_loop</comment>
        <translation>符号链接循环（链接指回自身）</translation>
    </message>
    <message>
        <source>{path}: skipped, it links to a folder already scanned (a symlink loop or a second link to the same folder)</source>
        <comment>scan.linked_twice</comment>
        <translation>{path}：已跳过，它链接到一个已扫描过的文件夹（符号链接循环，或指向同一文件夹的第二个链接）</translation>
    </message>
    <message>
        <source> There are {files} directly in the folder: move them into class subfolders.</source>
        <comment>scan.loose_hint_many</comment>
        <translation>该文件夹中直接放着 {files}：请把它们移到各类别的子文件夹中。</translation>
    </message>
    <message>
        <source> There is {files} directly in the folder: move them into class subfolders.</source>
        <comment>scan.loose_hint_one</comment>
        <translation>该文件夹中直接放着 {files}：请把它移到类别子文件夹中。</translation>
    </message>
    <message>
        <source>{files} not inside a class folder and were ignored (e.g. {name}); put images in one subfolder per class</source>
        <comment>scan.loose_ignored</comment>
        <translation>{files} 不在任何类别文件夹中，已被忽略（例如 {name}）；请把图像放进每个类别一个的子文件夹</translation>
    </message>
    <message>
        <source>no validation images for class: {names}</source>
        <comment>scan.no_val_class</comment>
        <translation>以下类别没有验证图像：{names}</translation>
    </message>
    <message>
        <source>no validation images for classes: {names}</source>
        <comment>scan.no_val_classes</comment>
        <translation>以下类别没有验证图像：{names}</translation>
    </message>
    <message>
        <source>not a regular file</source>
        <comment>scan.not_regular</comment>
        <translation>不是普通文件</translation>
    </message>
    <message>
        <source>could not be read ({kind}: {error})</source>
        <comment>scan.unexpected</comment>
        <translation>无法读取（{kind}：{error}）</translation>
    </message>
    <message>
        <source>cannot be read: {error}</source>
        <comment>scan.unreadable</comment>
        <translation>无法读取：{error}</translation>
    </message>
    <message>
        <source>validation class &apos;{name}&apos; has no training images; its {images} were ignored</source>
        <comment>scan.val_class_not_trained</comment>
        <translation>验证类别“{name}”没有训练图像；它的 {images} 已被忽略</translation>
    </message>
    <message>
        <source>{n} already sorted before</source>
        <comment>sort.already</comment>
        <translation>{n} 张此前已整理</translation>
    </message>
    <message>
        <source>Sorting cancelled: {images} in {seconds:.1f} s</source>
        <comment>sort.cancelled</comment>
        <translation>整理已取消：{seconds:.1f} 秒内整理了 {images}</translation>
    </message>
    <message>
        <source>{files} could not be sorted</source>
        <comment>sort.not_sorted</comment>
        <translation>{files} 无法整理</translation>
    </message>
    <message>
        <source>{n} not sure</source>
        <comment>sort.not_sure</comment>
        <translation>{n} 张不确定</translation>
    </message>
    <message>
        <source>{first}; {rest}</source>
        <comment>sort.parts</comment>
        <translation>{first}；{rest}</translation>
    </message>
    <message>
        <source>Sorted: {images} in {seconds:.1f} s</source>
        <comment>sort.sorted</comment>
        <translation>已整理：{seconds:.1f} 秒内整理了 {images}</translation>
    </message>
    <message>
        <source>{parts}. Manifest: {manifest}</source>
        <comment>sort.summary</comment>
        <translation>{parts}。清单：{manifest}</translation>
    </message>
    <message>
        <source>{n} unreadable</source>
        <comment>sort.unreadable</comment>
        <translation>{n} 张无法读取</translation>
    </message>
    <message>
        <source>{backbone}&apos;s ImageNet weights ({megabytes:.0f} MB) are not on this computer. Starting from them instead of from scratch usually gives a much better model from a few hundred images, in a fraction of the time. Download them now?</source>
        <comment>weights.offer.download</comment>
        <translation>本机没有 {backbone} 的 ImageNet 权重（{megabytes:.0f} MB）。从这些权重开始而不是从头训练，通常只需几百张图像、花很少的时间就能得到好得多的模型。现在下载吗？</translation>
    </message>
    <message>
        <source>{backbone}&apos;s ImageNet weights are not on this computer. Starting from them instead of from scratch usually gives a much better model from a few hundred images, in a fraction of the time. Download them now?</source>
        <comment>weights.offer.download_unsized</comment>
        <translation>本机没有 {backbone} 的 ImageNet 权重。从这些权重开始而不是从头训练，通常只需几百张图像、花很少的时间就能得到好得多的模型。现在下载吗？</translation>
    </message>
    <message>
        <source>This computer seems to be offline, so {backbone} trains from scratch. With its ImageNet weights (Download or Import weights file) a few hundred images usually reach a much better model.</source>
        <comment>weights.offer.offline</comment>
        <translation>这台电脑似乎没有联网，因此 {backbone} 将从头训练。如有它的 ImageNet 权重（通过“下载”或“导入权重文件”），几百张图像通常就能得到好得多的模型。</translation>
    </message>
    <message>
        <source>{first}, {rest}</source>
        <comment>words.comma_join</comment>
        <translation>{first}，{rest}</translation>
    </message>
    <message>
        <source>epoch</source>
        <comment>words.epoch</comment>
        <translation>轮</translation>
    </message>
    <message>
        <source>{n:,} epochs</source>
        <comment>words.epoch_many</comment>
        <translation>{n:,} 轮</translation>
    </message>
    <message>
        <source>{n:,} epoch</source>
        <comment>words.epoch_one</comment>
        <translation>{n:,} 轮</translation>
    </message>
    <message>
        <source>epochs</source>
        <comment>words.epochs</comment>
        <translation>轮</translation>
    </message>
    <message>
        <source>{n:,} files</source>
        <comment>words.file_many</comment>
        <translation>{n:,} 个文件</translation>
    </message>
    <message>
        <source>{n:,} file</source>
        <comment>words.file_one</comment>
        <translation>{n:,} 个文件</translation>
    </message>
    <message>
        <source>{n:,} GPUs</source>
        <comment>words.gpu_many</comment>
        <translation>{n:,} 个 GPU</translation>
    </message>
    <message>
        <source>{n:,} GPU</source>
        <comment>words.gpu_one</comment>
        <translation>{n:,} 个 GPU</translation>
    </message>
    <message>
        <source>gradients</source>
        <comment>words.gradients</comment>
        <translation>梯度</translation>
    </message>
    <message>
        <source>{n:,} images</source>
        <comment>words.image_many</comment>
        <translation>{n:,} 张图像</translation>
    </message>
    <message>
        <source>{n:,} image</source>
        <comment>words.image_one</comment>
        <translation>{n:,} 张图像</translation>
    </message>
    <message>
        <source>loss</source>
        <comment>words.loss</comment>
        <translation>损失</translation>
    </message>
    <message>
        <source>setting</source>
        <comment>words.setting</comment>
        <translation>设置</translation>
    </message>
    <message>
        <source>settings</source>
        <comment>words.settings</comment>
        <translation>设置</translation>
    </message>
    <message>
        <source>The checkpoint</source>
        <comment>words.the_checkpoint</comment>
        <translation>检查点</translation>
    </message>
    <message>
        <source>{n:,} validation images</source>
        <comment>words.validation_image_many</comment>
        <translation>{n:,} 张验证图像</translation>
    </message>
    <message>
        <source>{n:,} validation image</source>
        <comment>words.validation_image_one</comment>
        <translation>{n:,} 张验证图像</translation>
    </message>
    <message>
        <source>copy</source>
        <comment>words.verb_copy</comment>
        <translation>复制</translation>
    </message>
    <message>
        <source>move</source>
        <comment>words.verb_move</comment>
        <translation>移动</translation>
    </message>
    <message>
        <source>move back</source>
        <comment>words.verb_move_back</comment>
        <translation>移回</translation>
    </message>
    <message>
        <source>{n:,} views</source>
        <comment>words.view_many</comment>
        <translation>{n:,} 个视图</translation>
    </message>
    <message>
        <source>{n:,} view</source>
        <comment>words.view_one</comment>
        <translation>{n:,} 个视图</translation>
    </message>
</context>
<context>
    <name>DataAuditDialog</name>
    <message>
        <source>Likely mislabelled</source>
        <translation>可能标错</translation>
    </message>
    <message>
        <source>Label conflicts</source>
        <translation>标签冲突</translation>
    </message>
    <message>
        <source>Train/validation leakage</source>
        <translation>训练/验证泄漏</translation>
    </message>
    <message>
        <source>Exact duplicates</source>
        <translation>完全重复</translation>
    </message>
    <message>
        <source>Near duplicates</source>
        <translation>近似重复</translation>
    </message>
    <message>
        <source>Outliers</source>
        <translation>离群图像</translation>
    </message>
    <message>
        <source>Data audit</source>
        <translation>数据审查</translation>
    </message>
    <message>
        <source>Choose folder…</source>
        <translation>选择文件夹…</translation>
    </message>
    <message>
        <source>Run audit</source>
        <translation>运行审查</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>分数</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Exclude from training</source>
        <translation>排除出训练</translation>
    </message>
    <message>
        <source>Exclude the group from training</source>
        <translation>将该组排除出训练</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>发现</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>分布图</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <source>Choose the dataset folder to audit first.</source>
        <translation>请先选择要审查的数据集文件夹。</translation>
    </message>
    <message>
        <source>Auditing… (one pass of the backbone over the images)</source>
        <translation>正在审查…（骨干网络遍历一次所有图像）</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>{title} ({count})</source>
        <translation>{title}（{count}）</translation>
    </message>
    <message>
        <source>Folder: {folder}</source>
        <translation>文件夹：{folder}</translation>
    </message>
    <message>
        <source>No folder chosen</source>
        <translation>未选择文件夹</translation>
    </message>
    <message>
        <source>Folder to audit</source>
        <translation>要审查的文件夹</translation>
    </message>
    <message>
        <source>Showing the {shown} highest-scoring of {total}.</source>
        <translation>显示 {total} 项中得分最高的 {shown} 项。</translation>
    </message>
    <message numerus="yes">
        <source>Excluded %n image(s) from training; the folder is unchanged. Undo by removing them from the excluded list.</source>
        <translation>
            <numerusform>已将 %n 张图像排除出训练；文件夹未被改动。从排除列表中移除它们即可撤销。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DatasetPanelWidget</name>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>A folder with one subfolder of images per class. Drop it anywhere on this page.</source>
        <translation>每个类别一个图像子文件夹的文件夹。可拖放到本页面任意位置。</translation>
    </message>
    <message>
        <source>No dataset yet.</source>
        <translation>尚无数据集。</translation>
    </message>
    <message>
        <source>Dataset folder…</source>
        <translation>数据集文件夹…</translation>
    </message>
    <message>
        <source>Choose folder…</source>
        <translation>选择文件夹…</translation>
    </message>
    <message>
        <source>Create demo dataset…</source>
        <translation>创建示例数据集…</translation>
    </message>
    <message>
        <source>Write a small generated dataset (4 classes of shapes) into a new folder and scan it</source>
        <translation>将一个生成的小数据集（4 类形状）写入新文件夹并扫描</translation>
    </message>
    <message>
        <source>Scanning… %v / %m</source>
        <translation>正在扫描… %v / %m</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop scanning</source>
        <translation>停止扫描</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>None: every file could be read.</source>
        <translation>无：所有文件都可读取。</translation>
    </message>
    <message>
        <source>None.</source>
        <translation>无。</translation>
    </message>
    <message>
        <source>Classes</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Warnings</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Scanning {folder}…</source>
        <translation>正在扫描 {folder}…</translation>
    </message>
    <message>
        <source>Writing demo images into {target}…</source>
        <translation>正在将示例图像写入 {target}…</translation>
    </message>
    <message>
        <source>Problems ({n})</source>
        <translation>问题（{n}）</translation>
    </message>
    <message>
        <source>Warnings ({n})</source>
        <translation>警告（{n}）</translation>
    </message>
    <message>
        <source>Choose a dataset folder (one subfolder per class)</source>
        <translation>选择数据集文件夹（每个类别一个子文件夹）</translation>
    </message>
</context>
<context>
    <name>DatasetSummary</name>
    <message numerus="yes">
        <source>%n class(es)</source>
        <translation>
            <numerusform>%n 个类别</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln image(s)</source>
        <translation>
            <numerusform>%Ln 张图像</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>predefined validation split (%Ln image(s))</source>
        <translation>
            <numerusform>预先划分的验证集（%Ln 张图像）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln unreadable file(s)</source>
        <translation>
            <numerusform>%Ln 个无法读取的文件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln file(s) ignored</source>
        <translation>
            <numerusform>已忽略 %Ln 个文件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln image(s) excluded from training</source>
        <translation>
            <numerusform>%Ln 张图像不参与训练</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n warning(s)</source>
        <translation>
            <numerusform>%n 条警告</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DemoFolderDialog</name>
    <message>
        <source>Create demo dataset</source>
        <translation>创建示例数据集</translation>
    </message>
    <message>
        <source>A small generated dataset: 4 classes of shapes, 40 images each. It is written into a new folder, then scanned, ready to train.</source>
        <translation>一个自动生成的小数据集：4 类形状，每类 40 张图像。它会写入一个新文件夹，随后被扫描，即可开始训练。</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Create in</source>
        <translation>创建位置</translation>
    </message>
    <message>
        <source>New folder</source>
        <translation>新文件夹</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>创建</translation>
    </message>
    <message>
        <source>Give the folder to create it in and a name for the new folder.</source>
        <translation>请给出创建位置和新文件夹的名称。</translation>
    </message>
    <message>
        <source>The demo images will be written to {target}</source>
        <translation>示例图像将写入 {target}</translation>
    </message>
    <message>
        <source> ({chosen} is not empty, so a new folder is made inside it)</source>
        <translation>（{chosen} 不是空文件夹，因此会在其中新建一个文件夹）</translation>
    </message>
    <message>
        <source>; the folders that do not exist yet are created</source>
        <translation>；尚不存在的文件夹会被创建</translation>
    </message>
    <message>
        <source>.</source>
        <translation>。</translation>
    </message>
    <message>
        <source>Create the demo dataset in</source>
        <translation>在此处创建示例数据集</translation>
    </message>
</context>
<context>
    <name>DropZoneWidget</name>
    <message>
        <source>Drop image files or folders here, or click to choose images</source>
        <translation>将图像文件或文件夹拖放到这里，或点击以选择图像</translation>
    </message>
    <message>
        <source>Drop images or folders here</source>
        <translation>将图像或文件夹拖放到这里</translation>
    </message>
    <message>
        <source>Folders are searched recursively · click to choose files · Ctrl+V pastes an image</source>
        <translation>会递归搜索文件夹 · 点击可选择文件 · Ctrl+V 粘贴图像</translation>
    </message>
</context>
<context>
    <name>EmbeddingMapWidget</name>
    <message>
        <source>Hover over a point to see its image.</source>
        <translation>将鼠标悬停在点上可查看其图像。</translation>
    </message>
    <message>
        <source>Select a group</source>
        <translation>选择一组</translation>
    </message>
    <message>
        <source>Then drag around points to select them; hold Shift to drag a rectangle.</source>
        <translation>然后拖动圈选数据点；按住 Shift 可拖出一个矩形。</translation>
    </message>
    <message>
        <source>Drag around points to select them; hold Shift to drag a rectangle.</source>
        <translation>拖动圈选数据点；按住 Shift 可拖出一个矩形。</translation>
    </message>
    <message numerus="yes">
        <source>%n selected.</source>
        <translation>
            <numerusform>已选中 %n 个。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EmptyHint</name>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
</context>
<context>
    <name>EmptyStateWidget</name>
    <message>
        <source>No model loaded yet</source>
        <translation>尚未加载模型</translation>
    </message>
    <message>
        <source>To classify images you need a model. There are three ways to get one:</source>
        <translation>要对图像进行分类，需要一个模型。有三种方式可以获得：</translation>
    </message>
    <message>
        <source>Open model file…</source>
        <translation>打开模型文件…</translation>
    </message>
    <message>
        <source>Train a model…</source>
        <translation>训练模型…</translation>
    </message>
    <message>
        <source>Use ImageNet classifier</source>
        <translation>使用 ImageNet 分类器</translation>
    </message>
    <message>
        <source>Load a &lt;b&gt;.safetensors&lt;/b&gt; model trained with Backbone Studio (File ▸ Open model…, Ctrl+Shift+O).</source>
        <translation>加载用 Backbone Studio 训练的 &lt;b&gt;.safetensors&lt;/b&gt; 模型（文件 ▸ 打开模型…，Ctrl+Shift+O）。</translation>
    </message>
    <message>
        <source>On the &lt;b&gt;Train&lt;/b&gt; page, choose a folder with one subfolder per class and click &lt;b&gt;Start training&lt;/b&gt;; when it finishes, click &lt;b&gt;Use for classification&lt;/b&gt;.</source>
        <translation>在&lt;b&gt;训练&lt;/b&gt;页面上选择一个文件夹（每个类别一个子文件夹），然后点击&lt;b&gt;开始训练&lt;/b&gt;；训练完成后，点击&lt;b&gt;用于分类&lt;/b&gt;。</translation>
    </message>
    <message>
        <source>Recognise 1,000 everyday categories with pretrained ImageNet weights found on this computer (&lt;b&gt;{name}&lt;/b&gt; and {more} more).</source>
        <translation>使用本机上已有的 ImageNet 预训练权重识别 1000 种日常类别（&lt;b&gt;{name}&lt;/b&gt; 及另外 {more} 个）。</translation>
    </message>
    <message>
        <source>Recognise 1,000 everyday categories with pretrained ImageNet weights found on this computer (&lt;b&gt;{name}&lt;/b&gt;).</source>
        <translation>使用本机上已有的 ImageNet 预训练权重识别 1000 种日常类别（&lt;b&gt;{name}&lt;/b&gt;）。</translation>
    </message>
    <message>
        <source>Needs pretrained ImageNet weights on this computer, and none are there yet. On the &lt;b&gt;Train&lt;/b&gt; page use &lt;b&gt;Import weights file…&lt;/b&gt; (a torchvision &lt;i&gt;.pth&lt;/i&gt; file, e.g. resnet18-f37072fd.pth), or run &lt;code&gt;backbone-studio-cli weights download resnet18&lt;/code&gt; while online.</source>
        <translation>需要本机上有 ImageNet 预训练权重，但目前还没有。请在&lt;b&gt;训练&lt;/b&gt;页面使用&lt;b&gt;导入权重文件…&lt;/b&gt;（torchvision 的 &lt;i&gt;.pth&lt;/i&gt; 文件，例如 resnet18-f37072fd.pth），或在联网时运行 &lt;code&gt;backbone-studio-cli weights download resnet18&lt;/code&gt;。</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) or folder(s) wait for a model: they are classified as soon as one is loaded.</source>
        <translation>
            <numerusform>%n 个图像或文件夹正在等待模型：一旦加载了模型，就会立即对其进行分类。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ErrorGalleryDialog</name>
    <message>
        <source>Images</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Keys: {keys} (move to that class) · Enter: move to the predicted class · X: exclude from training · Ctrl+Z: undo · Space: larger view</source>
        <translation>按键：{keys}（移到该类别） · Enter：移到预测的类别 · X：排除出训练 · Ctrl+Z：撤销 · 空格：放大查看</translation>
    </message>
    <message>
        <source>Exclude / include (X)</source>
        <translation>排除 / 恢复 (X)</translation>
    </message>
    <message>
        <source>Move to class…</source>
        <translation>移到类别…</translation>
    </message>
    <message>
        <source>Copy to class…</source>
        <translation>复制到类别…</translation>
    </message>
    <message>
        <source>Undo (Ctrl+Z)</source>
        <translation>撤销 (Ctrl+Z)</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <source>Undo selected</source>
        <translation>撤销所选</translation>
    </message>
    <message numerus="yes">
        <source>True {true}, predicted {predicted}: %n image(s) (least confident first)</source>
        <translation>
            <numerusform>真实 {true}，预测 {predicted}: %n 张图像（置信度最低的在前）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>True {true}, predicted {predicted}: %n image(s) (highest loss first)</source>
        <translation>
            <numerusform>真实 {true}，预测 {predicted}: %n 张图像（损失最高的在前）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>All mistakes: %Ln image(s) (highest loss first)</source>
        <translation>
            <numerusform>全部错误: %Ln 张图像（损失最高的在前）</numerusform>
        </translation>
    </message>
    <message>
        <source>Copy to class</source>
        <translation>复制到类别</translation>
    </message>
    <message>
        <source>Move to class</source>
        <translation>移到类别</translation>
    </message>
    <message>
        <source>Class:</source>
        <translation>类别：</translation>
    </message>
    <message>
        <source>Copy images</source>
        <translation>复制图像</translation>
    </message>
    <message>
        <source>Move images</source>
        <translation>移动图像</translation>
    </message>
    <message numerus="yes">
        <source>Copy %n image(s) into {folders}?
You can undo this (Ctrl+Z).</source>
        <translation>
            <numerusform>将 %n 张图像复制到 {folders}？
此操作可以撤销 (Ctrl+Z)。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %n image(s) into {folders}?
You can undo this (Ctrl+Z).</source>
        <translation>
            <numerusform>将 %n 张图像移到 {folders}？
此操作可以撤销 (Ctrl+Z)。</numerusform>
        </translation>
    </message>
    <message>
        <source>copied to {name}</source>
        <translation>已复制到 {name}</translation>
    </message>
    <message>
        <source>moved to {name}</source>
        <translation>已移到 {name}</translation>
    </message>
    <message>
        <source>The selected images are in different parts of the dataset (train and validation); select the images of one part at a time.</source>
        <translation>所选图像位于数据集的不同部分（训练和验证）；请每次只选择同一部分的图像。</translation>
    </message>
    <message>
        <source>Exclude from training</source>
        <translation>排除出训练</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>verifying in its runtime…</source>
        <translation>正在其运行时中验证…</translation>
    </message>
    <message>
        <source>✓ verified</source>
        <translation>✓ 已验证</translation>
    </message>
    <message>
        <source>refused: loses accuracy</source>
        <translation>已拒绝：准确率下降</translation>
    </message>
    <message>
        <source>✗ disagrees with PyTorch</source>
        <translation>✗ 与 PyTorch 结果不一致</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Max |Δ logit|</source>
        <translation>最大 |Δ logit|</translation>
    </message>
    <message>
        <source>Top-1 agreement</source>
        <translation>Top-1 一致率</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>passed</source>
        <translation>通过</translation>
    </message>
    <message>
        <source>forced</source>
        <translation>强制写入</translation>
    </message>
    <message>
        <source>Export {name}</source>
        <translation>导出 {name}</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Not available: {missing}</source>
        <translation>不可用：{missing}</translation>
    </message>
    <message>
        <source>Images to verify on</source>
        <translation>用于验证的图像</translation>
    </message>
    <message>
        <source>Export folder</source>
        <translation>导出文件夹</translation>
    </message>
    <message>
        <source>Verify on</source>
        <translation>验证图像</translation>
    </message>
    <message>
        <source>Export to</source>
        <translation>导出到</translation>
    </message>
    <message>
        <source>Write INT8 even if it loses more than 1 point</source>
        <translation>即使准确率下降超过 1 个百分点也写入 INT8</translation>
    </message>
    <message>
        <source>Replace the export folder if it exists</source>
        <translation>导出文件夹已存在时替换它</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Choose at least one format.</source>
        <translation>请至少选择一种格式。</translation>
    </message>
    <message>
        <source>Choose a folder of images to verify the export on (the training folder is best: its validation part is used).</source>
        <translation>请选择用于验证导出结果的图像文件夹（最好是训练文件夹：会使用其中的验证部分）。</translation>
    </message>
    <message>
        <source>Choose the export folder.</source>
        <translation>请选择导出文件夹。</translation>
    </message>
    <message>
        <source>waiting…</source>
        <translation>等待中…</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>不适用</translation>
    </message>
    <message>
        <source> INT8 was not written ({formats} refused).</source>
        <translation> 未写入 INT8（{formats} 被拒绝）。</translation>
    </message>
    <message>
        <source>Exported to {folder} on {images}.</source>
        <translation>已导出到 {folder}，验证图像：{images}。</translation>
    </message>
</context>
<context>
    <name>ExportHook</name>
    <message>
        <source>Export the model to ONNX, INT8, OpenVINO or torch.export, each verified against PyTorch, with a stand-alone predict.py</source>
        <translation>将模型导出为 ONNX、INT8、OpenVINO 或 torch.export，每种格式都与 PyTorch 对照验证，并附带独立的 predict.py</translation>
    </message>
</context>
<context>
    <name>FastRuntime</name>
    <message>
        <source>Classifying with PyTorch (ONNX Runtime turned off).</source>
        <translation>正在用 PyTorch 分类（ONNX Runtime 已关闭）。</translation>
    </message>
    <message>
        <source>Use ONNX Runtime When Proven Faster</source>
        <translation>在确认更快时使用 ONNX Runtime</translation>
    </message>
    <message>
        <source>Classify with ONNX Runtime once it has given the same answers as PyTorch on your images and was faster on this computer</source>
        <translation>当 ONNX Runtime 在你的图像上给出与 PyTorch 相同的结果、且在这台电脑上更快时，就用它来分类</translation>
    </message>
    <message>
        <source>ONNX Runtime</source>
        <translation>ONNX Runtime 运行时</translation>
    </message>
    <message>
        <source>Checking ONNX Runtime</source>
        <translation>正在检查 ONNX Runtime</translation>
    </message>
</context>
<context>
    <name>HeatMapDialog</name>
    <message>
        <source>Why? — {name}</source>
        <translation>为什么？— {name}</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>正在计算…</translation>
    </message>
    <message>
        <source>Predicted class</source>
        <translation>预测类别</translation>
    </message>
    <message>
        <source>Class:</source>
        <translation>类别：</translation>
    </message>
    <message>
        <source>Opacity:</source>
        <translation>不透明度：</translation>
    </message>
    <message>
        <source>Computing the heat map…</source>
        <translation>正在计算热力图…</translation>
    </message>
    <message>
        <source>Where the model looked for &apos;{name}&apos; (probability {probability}): bright is what raised that class&apos;s score most.</source>
        <translation>模型为判断“{name}”（概率 {probability}）所关注的位置：越亮的区域越能提高该类别的得分。</translation>
    </message>
</context>
<context>
    <name>HelpDialog</name>
    <message>
        <source>Classify</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Load a model: &lt;b&gt;File ▸ Open model…&lt;/b&gt;, a recent one, one you just trained, or the ImageNet classifier when its weights are on this computer.</source>
        <translation>加载模型：&lt;b&gt;文件 ▸ 打开模型…&lt;/b&gt;、最近使用的模型、刚训练好的模型，或在本机已有权重时使用 ImageNet 分类器。</translation>
    </message>
    <message>
        <source>Drop images or folders anywhere on the page, or use &lt;b&gt;Open images…&lt;/b&gt;, &lt;b&gt;Open folder…&lt;/b&gt; or &lt;b&gt;Paste&lt;/b&gt;. Folders are searched recursively; files already in the list are not added twice.</source>
        <translation>将图像或文件夹拖放到页面任意位置，或使用&lt;b&gt;打开图像…&lt;/b&gt;、&lt;b&gt;打开文件夹…&lt;/b&gt;或&lt;b&gt;粘贴&lt;/b&gt;。文件夹会被递归搜索；已在列表中的文件不会重复添加。</translation>
    </message>
    <message>
        <source>Double-click a row to see the image large with its top 3; right-click it to open the file, show it in its folder or copy its path.</source>
        <translation>双击某一行可查看大图及其前 3 个预测；右键单击可打开文件、在文件夹中显示或复制其路径。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Export CSV…&lt;/b&gt; saves the list, one row per image.</source>
        <translation>&lt;b&gt;导出 CSV…&lt;/b&gt; 保存列表，每张图像一行。</translation>
    </message>
    <message>
        <source>After 16 images of a model file the page checks ONNX Runtime against PyTorch in the background; when it gives the same answers and is faster on this computer, the page uses it (the model line then ends in “ONNX Runtime”). &lt;b&gt;View ▸ Use ONNX Runtime When Proven Faster&lt;/b&gt; turns this off.</source>
        <translation>同一个模型文件分类满 16 张图像后，本页会在后台对比 ONNX Runtime 与 PyTorch；若结果相同且在这台电脑上更快，本页就改用它（模型信息行末尾会显示“ONNX Runtime”）。&lt;b&gt;视图 ▸ 在确认更快时使用 ONNX Runtime&lt;/b&gt; 可关闭此功能。</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Choose or drop a folder with one subfolder of images per class, or click &lt;b&gt;Create demo dataset…&lt;/b&gt; to try it out. The folder is scanned: images per class, files that cannot be used and why, and warnings.</source>
        <translation>选择或拖入一个文件夹，其中每个类别的图像放在一个子文件夹里；也可以点击&lt;b&gt;创建示例数据集…&lt;/b&gt;先试一试。文件夹会被扫描：每个类别的图像数、无法使用的文件及原因，以及警告。</translation>
    </message>
    <message>
        <source>Pick a backbone (with pretrained ImageNet weights if they are here) and press &lt;b&gt;Start training&lt;/b&gt;. Every setting has an automatic value, shown as “Auto (n)”.</source>
        <translation>选择一个骨干网络（如本机有 ImageNet 预训练权重则可使用），然后点击&lt;b&gt;开始训练&lt;/b&gt;。每项设置都有自动值，显示为“自动 (n)”。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Cancel&lt;/b&gt; keeps the best model so far and offers &lt;b&gt;Resume training&lt;/b&gt;; an unfinished training is also offered after the app was closed.</source>
        <translation>&lt;b&gt;取消&lt;/b&gt;会保留目前最好的模型，并提供&lt;b&gt;继续训练&lt;/b&gt;；应用关闭后，未完成的训练同样可以继续。</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Accuracy, per-class precision, recall and F1, the confusion matrix and the curves of the latest training.</source>
        <translation>最近一次训练的准确率、各类别的精确率、召回率和 F1、混淆矩阵以及训练曲线。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Save model…&lt;/b&gt; writes one .safetensors file; &lt;b&gt;Use for classification&lt;/b&gt; loads it on the Classify page. &lt;b&gt;Evaluate a model on a folder…&lt;/b&gt; scores a saved model.</source>
        <translation>&lt;b&gt;保存模型…&lt;/b&gt; 写出一个 .safetensors 文件；&lt;b&gt;用于分类&lt;/b&gt; 会在“分类”页面加载它。&lt;b&gt;在文件夹上评估模型…&lt;/b&gt; 可为已保存的模型打分。</translation>
    </message>
    <message>
        <source>The &lt;b&gt;Confidence&lt;/b&gt; tab shows how well the model&apos;s confidence matches how often it is right, and the threshold below which a prediction counts as “Not sure”.</source>
        <translation>&lt;b&gt;置信度&lt;/b&gt;标签页显示模型的置信度与它实际正确的频率有多吻合，以及低于多少置信度的预测算作“不确定”。</translation>
    </message>
    <message>
        <source>Sorting a folder</source>
        <translation>整理文件夹</translation>
    </message>
    <message>
        <source>On the Classify page, &lt;b&gt;Sort folder…&lt;/b&gt; files a folder of photos into one folder per class: copied, linked or moved (moving asks first). A manifest in the destination records where each photo came from; sorting into the same folder again resumes.</source>
        <translation>在“分类”页面上，&lt;b&gt;整理文件夹…&lt;/b&gt; 会把一个照片文件夹按类别放进各自的文件夹：可以复制、链接或移动（移动前会先询问）。目标文件夹中的清单记录每张照片的来源；再次整理到同一文件夹会接着上次继续。</translation>
    </message>
    <message>
        <source>Photos the model is not sure about go to &lt;b&gt;_not_sure/&lt;/b&gt; instead of the wrong class: “Not sure” when the confidence is below the threshold (the model&apos;s own, or one you set), “None of these” when the photo looks like none of the classes.</source>
        <translation>模型拿不准的照片会放进 &lt;b&gt;_not_sure/&lt;/b&gt;，而不是错误的类别：置信度低于阈值（模型自带的，或你设定的）时为“不确定”，照片不像任何一个类别时为“都不是”。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Review not sure…&lt;/b&gt; shows those photos in a grid: 1-9 labels a photo, Enter takes the suggestion, X sets it aside, Ctrl+Z undoes. &lt;b&gt;Add to training set&lt;/b&gt; copies the labelled photos into the training folder, ready to retrain.</source>
        <translation>&lt;b&gt;复核不确定的图像…&lt;/b&gt; 以网格显示这些照片：按 1-9 标注，Enter 采纳建议，X 放到一边，Ctrl+Z 撤销。&lt;b&gt;加入训练集&lt;/b&gt; 会把已标注的照片复制到训练文件夹，以便重新训练。</translation>
    </message>
    <message>
        <source>Mistakes, exclusions and retraining</source>
        <translation>错误、排除与重新训练</translation>
    </message>
    <message>
        <source>On the Results page, click a cell of the confusion matrix to see its images, or &lt;b&gt;All mistakes…&lt;/b&gt; for every misclassified image, highest loss first.</source>
        <translation>在“结果”页面上，点击混淆矩阵的某个格子可查看其中的图像；&lt;b&gt;全部错误…&lt;/b&gt; 按损失从高到低列出所有分错的图像。</translation>
    </message>
    <message>
        <source>In a gallery, 1-9 moves an image to that class&apos;s folder, Enter to the predicted class, X excludes it from training (your folder is not changed), Ctrl+Z undoes; moves and copies ask first.</source>
        <translation>在图库中，按 1-9 把图像移到对应类别的文件夹，Enter 移到预测的类别，X 将其排除出训练（不会改动你的文件夹），Ctrl+Z 撤销；移动和复制前会先询问。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Retrain&lt;/b&gt; rescans the folder, leaves out the excluded images and trains again with the same settings; &lt;b&gt;Before and after the retrain&lt;/b&gt; then compares both runs.</source>
        <translation>&lt;b&gt;重新训练&lt;/b&gt; 会重新扫描文件夹，略去被排除的图像，并用相同的设置再次训练；随后 &lt;b&gt;重新训练前后对比&lt;/b&gt; 会比较两次训练。</translation>
    </message>
    <message>
        <source>Data audit and heat maps</source>
        <translation>数据审查与热力图</translation>
    </message>
    <message>
        <source>&lt;b&gt;Data audit…&lt;/b&gt; (Results page) looks for likely mislabelled images, exact and near duplicates, label conflicts, copies shared by training and validation (leakage) and outliers, with the reason for each; chosen images can be excluded from training.</source>
        <translation>&lt;b&gt;数据审查…&lt;/b&gt;（“结果”页面）会查找可能标错的图像、完全重复和近似重复、标签冲突、训练集与验证集共有的副本（泄漏）以及离群图像，并给出每一项的原因；选中的图像可以排除出训练。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Why? (heat map)&lt;/b&gt; in the Classify page&apos;s right-click menu shows where in the image the model looked for its answer.</source>
        <translation>“分类”页面右键菜单中的 &lt;b&gt;为什么？（热力图）&lt;/b&gt; 会显示模型是看图像的哪些部位得出答案的。</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>&lt;b&gt;Export…&lt;/b&gt; (Results page) writes the model as ONNX, INT8 ONNX, OpenVINO, torch.export (pt2) or Core ML files into a new folder, with a stand-alone predict.py.</source>
        <translation>&lt;b&gt;导出…&lt;/b&gt;（“结果”页面）会把模型写成 ONNX、INT8 ONNX、OpenVINO、torch.export（pt2）或 Core ML 文件，放进一个新文件夹，并附带独立的 predict.py。</translation>
    </message>
    <message>
        <source>Each file is run in its own runtime on the images you choose and compared with PyTorch before the folder is written; the table shows the result for each format.</source>
        <translation>在写出文件夹之前，每个文件都会在它自己的运行时中、在你选择的图像上运行，并与 PyTorch 对比；表格显示每种格式的结果。</translation>
    </message>
    <message>
        <source>Start training (Train page)</source>
        <translation>开始训练（“训练”页面）</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Backbone Studio Help</source>
        <translation>Backbone Studio 帮助</translation>
    </message>
</context>
<context>
    <name>ImageDetailDialog</name>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <source>Top 5:</source>
        <translation>前 5 名：</translation>
    </message>
    <message>
        <source>This image cannot be shown:
{why}</source>
        <translation>无法显示这张图像：
{why}</translation>
    </message>
</context>
<context>
    <name>ImagePreviewDialog</name>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Unreadable</source>
        <translation>无法读取</translation>
    </message>
    <message>
        <source>Top {k}: {scores}</source>
        <translation>前 {k} 名：{scores}</translation>
    </message>
    <message>
        <source>The image cannot be shown.</source>
        <translation>无法显示该图像。</translation>
    </message>
</context>
<context>
    <name>Job</name>
    <message>
        <source>{what} failed unexpectedly: {error}. Details are in the log.</source>
        <translation>{what}意外失败：{error}。详细信息见日志。</translation>
    </message>
    <message>
        <source>The job</source>
        <translation>该任务</translation>
    </message>
    <message>
        <source>Scanning {folder}</source>
        <translation>扫描 {folder}</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Prediction</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>The data audit</source>
        <translation>数据审查</translation>
    </message>
    <message>
        <source>Sorting the folder</source>
        <translation>整理文件夹</translation>
    </message>
    <message>
        <source>Evaluating</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>The export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Importing weights</source>
        <translation>导入权重</translation>
    </message>
    <message>
        <source>Downloading weights</source>
        <translation>下载权重</translation>
    </message>
    <message>
        <source>Creating the demo dataset</source>
        <translation>创建示例数据集</translation>
    </message>
    <message>
        <source>The heat map</source>
        <translation>热力图</translation>
    </message>
</context>
<context>
    <name>LanguageMenu</name>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System ({language})</source>
        <translation>跟随系统（{language}）</translation>
    </message>
    <message>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>The new language is used when Backbone Studio is started again.</source>
        <translation>新的语言将在 Backbone Studio 下次启动时生效。</translation>
    </message>
</context>
<context>
    <name>LearningRateSpinBox</name>
    <message>
        <source>Auto</source>
        <translation>自动</translation>
    </message>
</context>
<context>
    <name>LivePlotWidget</name>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Accuracy (%)</source>
        <translation>准确率 (%)</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>train (per step)</source>
        <translation>训练（每步）</translation>
    </message>
    <message>
        <source>train (smoothed)</source>
        <translation>训练（平滑）</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>train (epoch mean)</source>
        <translation>训练（每轮平均）</translation>
    </message>
</context>
<context>
    <name>LrFinderDialog</name>
    <message>
        <source>Find a learning rate</source>
        <translation>寻找学习率</translation>
    </message>
    <message>
        <source>Training a throw-away copy of the model for one epoch&apos;s worth of steps while the learning rate rises from {start} to {end}…</source>
        <translation>正在用模型的一个临时副本训练一轮的步数，同时学习率从 {start} 升到 {end}…</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>loss (smoothed)</source>
        <translation>损失（平滑）</translation>
    </message>
    <message>
        <source>Use this learning rate</source>
        <translation>使用此学习率</translation>
    </message>
    <message>
        <source>The learning-rate finder</source>
        <translation>学习率查找器</translation>
    </message>
    <message>
        <source>Use {rate}</source>
        <translation>使用 {rate}</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>training a new one</source>
        <translation>训练新模型</translation>
    </message>
    <message>
        <source>The new training replaces it on the Results page.</source>
        <translation>新的训练会在“结果”页面上替换它。</translation>
    </message>
    <message>
        <source>&amp;Open images…</source>
        <translation>打开图像(&amp;O)…</translation>
    </message>
    <message>
        <source>Choose image files to classify</source>
        <translation>选择要分类的图像文件</translation>
    </message>
    <message>
        <source>Open &amp;folder…</source>
        <translation>打开文件夹(&amp;F)…</translation>
    </message>
    <message>
        <source>Classify every image in a folder</source>
        <translation>对文件夹中的每张图像进行分类</translation>
    </message>
    <message>
        <source>Open &amp;model…</source>
        <translation>打开模型(&amp;M)…</translation>
    </message>
    <message>
        <source>Load a trained model file</source>
        <translation>加载已训练的模型文件</translation>
    </message>
    <message>
        <source>Use &amp;ImageNet classifier</source>
        <translation>使用 ImageNet 分类器(&amp;I)</translation>
    </message>
    <message>
        <source>Classify into the 1,000 ImageNet categories with cached pretrained weights</source>
        <translation>用已缓存的预训练权重，将图像分到 1000 个 ImageNet 类别中</translation>
    </message>
    <message>
        <source>&amp;Save model as…</source>
        <translation>模型另存为(&amp;S)…</translation>
    </message>
    <message>
        <source>Save the latest trained (or the loaded) model to a file</source>
        <translation>将最近训练的（或已加载的）模型保存到文件</translation>
    </message>
    <message>
        <source>&amp;Export results as CSV…</source>
        <translation>将结果导出为 CSV(&amp;E)…</translation>
    </message>
    <message>
        <source>Save the results table as CSV</source>
        <translation>将结果表保存为 CSV</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Paste</source>
        <translation>粘贴(&amp;P)</translation>
    </message>
    <message>
        <source>Classify an image or image files from the clipboard</source>
        <translation>对剪贴板中的图像或图像文件进行分类</translation>
    </message>
    <message>
        <source>{app} &amp;Help</source>
        <translation>{app} 帮助(&amp;H)</translation>
    </message>
    <message>
        <source>How each page is used, and the keyboard shortcuts</source>
        <translation>各页面的用法，以及键盘快捷键</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;About {app}</source>
        <translation>关于 {app}(&amp;A)</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 Qt(&amp;Q)</translation>
    </message>
    <message>
        <source>Show &amp;log file</source>
        <translation>显示日志文件(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Open model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <source>Nothing to save</source>
        <translation>没有可保存的模型</translation>
    </message>
    <message>
        <source>There is no trained model to save yet. Train one on the Train page, or open a model file first.</source>
        <translation>还没有可保存的训练模型。请先在“训练”页面训练一个模型，或打开一个模型文件。</translation>
    </message>
    <message>
        <source>Save model as</source>
        <translation>模型另存为</translation>
    </message>
    <message>
        <source>Could not write {path}:
{error}</source>
        <translation>无法写入 {path}：
{error}</translation>
    </message>
    <message>
        <source>Could not save the model</source>
        <translation>无法保存模型</translation>
    </message>
    <message>
        <source>Model saved to {path}</source>
        <translation>模型已保存到 {path}</translation>
    </message>
    <message>
        <source>About {app}</source>
        <translation>关于 {app}</translation>
    </message>
    <message>
        <source>Log file</source>
        <translation>日志文件</translation>
    </message>
    <message>
        <source>Errors and warnings are written to:
{path}

Attach this file when you report a problem.</source>
        <translation>错误和警告会写入：
{path}

报告问题时请附上此文件。</translation>
    </message>
    <message>
        <source>Model: {m}</source>
        <translation>模型：{m}</translation>
    </message>
    <message>
        <source>Training is running</source>
        <translation>正在训练</translation>
    </message>
    <message>
        <source>A model is being trained. Stop training and quit?

Once an epoch has finished, the Train page offers to resume the training the next time Backbone Studio opens.</source>
        <translation>正在训练模型。要停止训练并退出吗？

只要已完成一轮，下次打开 Backbone Studio 时，“训练”页面会提供继续训练的选项。</translation>
    </message>
    <message>
        <source>quitting</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Otherwise it is lost.</source>
        <translation>否则它将丢失。</translation>
    </message>
    <message>
        <source>Still waiting for a background job to stop…</source>
        <translation>仍在等待后台任务停止…</translation>
    </message>
    <message>
        <source>Save the trained model?</source>
        <translation>保存训练好的模型吗？</translation>
    </message>
    <message>
        <source>The model you trained has not been saved. Save it before {doing}?

{consequence}</source>
        <translation>你训练的模型尚未保存。要在{doing}之前保存它吗？

{consequence}</translation>
    </message>
    <message>
        <source>Classify</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>&amp;Classify</source>
        <translation>分类(&amp;C)</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>&amp;Train</source>
        <translation>训练(&amp;T)</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>&amp;Results</source>
        <translation>结果(&amp;R)</translation>
    </message>
</context>
<context>
    <name>MetricsPanelWidget</name>
    <message>
        <source>None: every image could be read.</source>
        <translation>无：所有图像都能读取。</translation>
    </message>
    <message>
        <source>Per class</source>
        <translation>各类别</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Problems ({count})</source>
        <translation>问题 ({count})</translation>
    </message>
</context>
<context>
    <name>ModelWords</name>
    <message>
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message numerus="yes">
        <source>{name} · {backbone} · %n class(es)</source>
        <translation>
            <numerusform>{name} · {backbone} · %n 个类别</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PredictionRowActions</name>
    <message>
        <source>View larger</source>
        <translation>查看大图</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <source>Copy path</source>
        <translation>复制路径</translation>
    </message>
    <message>
        <source>Why? (heat map)</source>
        <translation>为什么？（热力图）</translation>
    </message>
    <message>
        <source>A pasted image has no file</source>
        <translation>粘贴的图像没有对应的文件</translation>
    </message>
</context>
<context>
    <name>PredictionTableModel</name>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Prediction</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <source>Top 3</source>
        <translation>前 3 名</translation>
    </message>
    <message>
        <source>The results are still listed here; export them again to another place.</source>
        <translation>结果仍列在这里；请将其导出到其他位置。</translation>
    </message>
    <message>
        <source>Unreadable</source>
        <translation>无法读取</translation>
    </message>
    <message>
        <source>None of these (closest: {label})</source>
        <translation>都不是（最接近：{label}）</translation>
    </message>
    <message>
        <source>Not sure ({label}?)</source>
        <translation>不确定（{label}？）</translation>
    </message>
</context>
<context>
    <name>RecentModelsMenu</name>
    <message>
        <source>Open &amp;recent model</source>
        <translation>打开最近的模型(&amp;R)</translation>
    </message>
    <message>
        <source>Clear list</source>
        <translation>清空列表</translation>
    </message>
    <message>
        <source>No recent models</source>
        <translation>没有最近使用的模型</translation>
    </message>
</context>
<context>
    <name>ResultsPage</name>
    <message>
        <source>Backbone Studio model (*.safetensors)</source>
        <translation>Backbone Studio 模型 (*.safetensors)</translation>
    </message>
    <message>
        <source>training finished</source>
        <translation>训练已完成</translation>
    </message>
    <message>
        <source>training cancelled</source>
        <translation>训练已取消</translation>
    </message>
    <message>
        <source>training failed</source>
        <translation>训练失败</translation>
    </message>
    <message>
        <source>training {outcome}</source>
        <translation>训练 {outcome}</translation>
    </message>
    <message numerus="yes">
        <source>%n epoch(s)</source>
        <translation>
            <numerusform>%n 轮</numerusform>
        </translation>
    </message>
    <message>
        <source>best epoch {epoch}</source>
        <translation>最佳轮次：第 {epoch} 轮</translation>
    </message>
    <message>
        <source> The Train page can resume it.</source>
        <translation> 可以在“训练”页面继续训练。</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Save model…</source>
        <translation>保存模型…</translation>
    </message>
    <message>
        <source>Write the trained model to one .safetensors file (Ctrl+S)</source>
        <translation>将训练好的模型写入一个 .safetensors 文件 (Ctrl+S)</translation>
    </message>
    <message>
        <source>Use for classification</source>
        <translation>用于分类</translation>
    </message>
    <message>
        <source>Load this model into the Classify page (asks where to save it first)</source>
        <translation>在“分类”页面加载这个模型（会先询问保存位置）</translation>
    </message>
    <message>
        <source>Evaluate a model on a folder…</source>
        <translation>在文件夹上评估模型…</translation>
    </message>
    <message>
        <source>Score a saved model on a folder with one subfolder per class (the model&apos;s classes)</source>
        <translation>在一个文件夹上为已保存的模型打分，该文件夹中每个类别（模型的类别）一个子文件夹</translation>
    </message>
    <message>
        <source>Evaluating… %v / %m</source>
        <translation>正在评估… %v / %m</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>All mistakes…</source>
        <translation>全部错误…</translation>
    </message>
    <message>
        <source>Every misclassified validation image, highest loss first</source>
        <translation>所有分类错误的验证图像，损失最高的在前</translation>
    </message>
    <message>
        <source>Retrain</source>
        <translation>重新训练</translation>
    </message>
    <message>
        <source>Train again on the folder as it is now, with the same settings, then compare the two runs</source>
        <translation>用相同的设置在文件夹当前的内容上再次训练，然后比较两次运行</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>ONNX, INT8, OpenVINO, torch.export: each checked against this model before it is written</source>
        <translation>ONNX、INT8、OpenVINO、torch.export：每种格式在写入前都会与这个模型对照检查</translation>
    </message>
    <message>
        <source>Data audit…</source>
        <translation>数据审查…</translation>
    </message>
    <message>
        <source>Find likely mislabelled images, duplicates, leakage and outliers in the training folder</source>
        <translation>在训练文件夹中查找可能标错的图像、重复图像、数据泄漏和离群图像</translation>
    </message>
    <message>
        <source>No results yet.

Train a model on the Train page, or evaluate a saved model on a folder with “Evaluate a model on a folder…”.</source>
        <translation>还没有结果。

请在“训练”页面训练一个模型，或者用“在文件夹上评估模型…”在文件夹上评估已保存的模型。</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message numerus="yes">
        <source>{backbone} · %n class(es)</source>
        <translation>
            <numerusform>{backbone} · %n 个类别</numerusform>
        </translation>
    </message>
    <message>
        <source>validation accuracy</source>
        <translation>验证准确率</translation>
    </message>
    <message>
        <source>Not saved yet.</source>
        <translation>尚未保存。</translation>
    </message>
    <message>
        <source>{model} on {folder}</source>
        <translation>{model} 在 {folder} 上的评估</translation>
    </message>
    <message numerus="yes">
        <source>%Ln image(s) from {folder}</source>
        <translation>
            <numerusform>%Ln 张图像，来自 {folder}</numerusform>
        </translation>
    </message>
    <message>
        <source>
Skipped (not classes of the model): {classes}</source>
        <translation>
已跳过（不是模型的类别）：{classes}</translation>
    </message>
    <message>
        <source>accuracy on the folder</source>
        <translation>在该文件夹上的准确率</translation>
    </message>
    <message>
        <source>The last trained model was discarded.</source>
        <translation>上一次训练的模型已被丢弃。</translation>
    </message>
    <message>
        <source>Save model</source>
        <translation>保存模型</translation>
    </message>
    <message>
        <source>Could not save the model to {path}:
{error}</source>
        <translation>无法将模型保存到 {path}：
{error}</translation>
    </message>
    <message>
        <source>Saved to {path}</source>
        <translation>已保存到 {path}</translation>
    </message>
    <message>
        <source>Evaluate which model?</source>
        <translation>评估哪个模型？</translation>
    </message>
    <message>
        <source>Evaluate on which folder? (one subfolder per class)</source>
        <translation>在哪个文件夹上评估？（每个类别一个子文件夹）</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>评估</translation>
    </message>
</context>
<context>
    <name>ResultsReview</name>
    <message>
        <source>There are no per-image results for this model (the training failed, or no validation image could be read). Evaluate the model on a folder to see its images.</source>
        <translation>这个模型没有逐张图像的结果（训练失败，或没有能读取的验证图像）。在文件夹上评估该模型即可查看它的图像。</translation>
    </message>
    <message>
        <source>Retrain</source>
        <translation>重新训练</translation>
    </message>
    <message>
        <source>Train again on the same folder with the same settings, then compare the two runs</source>
        <translation>用相同的设置在同一文件夹上再次训练，然后比较两次运行</translation>
    </message>
    <message>
        <source>Every misclassified image, highest loss first</source>
        <translation>所有分类错误的图像，损失最高的在前</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图像</translation>
    </message>
</context>
<context>
    <name>ResumeBannerWidget</name>
    <message>
        <source>Resume training</source>
        <translation>继续训练</translation>
    </message>
    <message>
        <source>Scan the same folder again and continue where it stopped</source>
        <translation>重新扫描同一文件夹，并从中断处继续</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>丢弃</translation>
    </message>
    <message>
        <source>Delete the unfinished training</source>
        <translation>删除未完成的训练</translation>
    </message>
</context>
<context>
    <name>ResumeNoticeWidget</name>
    <message>
        <source>Resume unfinished training…</source>
        <translation>继续未完成的训练…</translation>
    </message>
    <message>
        <source>{offer}

Go to the Train page and continue it.</source>
        <translation>{offer}

前往“训练”页面继续该训练。</translation>
    </message>
</context>
<context>
    <name>ReviewDialog</name>
    <message>
        <source>Review images</source>
        <translation>复核图像</translation>
    </message>
    <message>
        <source>Keys: {keys} · Enter: take the suggestion · X: set aside · Ctrl+Z: undo · Space: larger view</source>
        <translation>按键：{keys} · Enter：采用建议 · X：搁置 · Ctrl+Z：撤销 · 空格：放大查看</translation>
    </message>
    <message>
        <source>Label these next (most uncertain first)</source>
        <translation>接下来标注这些（最不确定的在前）</translation>
    </message>
    <message>
        <source>Add to training set</source>
        <translation>加入训练集</translation>
    </message>
    <message>
        <source>Copy the labelled images into the training folder&apos;s class folders</source>
        <translation>将已标注的图像复制到训练文件夹中对应的类别文件夹</translation>
    </message>
    <message>
        <source>Undo (Ctrl+Z)</source>
        <translation>撤销 (Ctrl+Z)</translation>
    </message>
    <message>
        <source>set aside</source>
        <translation>已搁置</translation>
    </message>
    <message>
        <source>Label some images first (keys 1-9 or Enter).</source>
        <translation>请先标注一些图像（按 1-9 或 Enter）。</translation>
    </message>
    <message>
        <source>Add to which training folder? (one subfolder per class)</source>
        <translation>加入哪个训练文件夹？（每个类别一个子文件夹）</translation>
    </message>
    <message numerus="yes">
        <source>Copy %n labelled image(s) into the class folders of {root}?
You can undo this (Ctrl+Z).</source>
        <translation>
            <numerusform>将 %n 张已标注的图像复制到 {root} 的类别文件夹中？
此操作可以撤销 (Ctrl+Z)。</numerusform>
        </translation>
    </message>
    <message>
        <source>added as {name}</source>
        <translation>已作为 {name} 加入</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message numerus="yes">
        <source>{done} of %Ln image(s) reviewed</source>
        <translation>
            <numerusform>已复核 {done}/%Ln 张图像</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReviewGrid</name>
    <message>
        <source>suggested: {name}</source>
        <translation>建议：{name}</translation>
    </message>
    <message>
        <source>loss {loss}</source>
        <translation>损失 {loss}</translation>
    </message>
    <message>
        <source>labelled {name}</source>
        <translation>已标为 {name}</translation>
    </message>
    <message>
        <source>excluded from training</source>
        <translation>不参与训练</translation>
    </message>
</context>
<context>
    <name>ReviewGridWidget</name>
    <message>
        <source>Image tiles</source>
        <translation>图像缩略图</translation>
    </message>
</context>
<context>
    <name>RunMonitorWidget</name>
    <message>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message numerus="yes">
        <source>%Ln validation image(s)</source>
        <translation>
            <numerusform>验证 %Ln 张</numerusform>
        </translation>
    </message>
    <message>
        <source> · best validation accuracy {accuracy} (epoch {epoch})</source>
        <translation> · 最佳验证准确率 {accuracy}（第 {epoch} 轮）</translation>
    </message>
    <message numerus="yes">
        <source> · %n epoch(s) in {duration}</source>
        <translation>
            <numerusform> · {duration} 内完成 %n 轮</numerusform>
        </translation>
    </message>
    <message>
        <source>Choose a dataset folder to begin.</source>
        <translation>选择一个数据集文件夹以开始。</translation>
    </message>
    <message>
        <source>The training log appears here.</source>
        <translation>训练日志显示在这里。</translation>
    </message>
    <message>
        <source>Preparing…</source>
        <translation>正在准备…</translation>
    </message>
    <message>
        <source>Cancelling… (the best model so far is kept)</source>
        <translation>正在取消…（会保留目前最好的模型）</translation>
    </message>
    <message>
        <source>pretrained</source>
        <translation>预训练</translation>
    </message>
    <message>
        <source>from scratch</source>
        <translation>从头训练</translation>
    </message>
    <message numerus="yes">
        <source>%n epoch(s)</source>
        <translation>
            <numerusform>%n 轮</numerusform>
        </translation>
    </message>
    <message>
        <source>{backbone} ({origin}), {stages}, {epochs}, batch {batch}, lr {lr}, {size} px on {device} ({precision}); {train} training / {validation}</source>
        <translation>{backbone}（{origin}），{stages}，{epochs}，批大小 {batch}，学习率 {lr}，{size} px，设备 {device}（{precision}）；训练 {train} 张 / {validation}</translation>
    </message>
    <message>
        <source>Training {backbone} on {device}…</source>
        <translation>正在 {device} 上训练 {backbone}…</translation>
    </message>
    <message numerus="yes">
        <source>Stage &apos;{stage}&apos; (%n epoch(s))</source>
        <translation>
            <numerusform>阶段“{stage}”（%n 轮）</numerusform>
        </translation>
    </message>
    <message>
        <source>Computing backbone features once…</source>
        <translation>正在一次性计算骨干网络特征…</translation>
    </message>
    <message>
        <source>Features {done} / {total}</source>
        <translation>特征 {done} / {total}</translation>
    </message>
    <message>
        <source>batch {batch}/{batches}</source>
        <translation>批次 {batch}/{batches}</translation>
    </message>
    <message>
        <source>{speed} images/s</source>
        <translation>{speed} 张/秒</translation>
    </message>
    <message>
        <source>Epoch {epoch}/{epochs} · {batch}</source>
        <translation>第 {epoch}/{epochs} 轮 · {batch}</translation>
    </message>
    <message>
        <source>Epoch {epoch} of ~{epochs}</source>
        <translation>第 {epoch} 轮，共约 {epochs} 轮</translation>
    </message>
    <message>
        <source>{left} left of {budget}</source>
        <translation>剩余 {left} / 共 {budget}</translation>
    </message>
    <message>
        <source>Epoch {epoch} of {epochs} · ETA {eta} · {speed}</source>
        <translation>第 {epoch}/{epochs} 轮 · 预计剩余 {eta} · {speed}</translation>
    </message>
    <message>
        <source>loss {loss} · learning rate {lr}</source>
        <translation>损失 {loss} · 学习率 {lr}</translation>
    </message>
    <message>
        <source>  ★ best</source>
        <translation>  ★ 最佳</translation>
    </message>
    <message>
        <source>epoch {epoch}/{epochs} [{stage}] train loss {train_loss} acc {train_acc} · val loss {val_loss} acc {val_acc} · {seconds}s, {speed} img/s{best}</source>
        <translation>第 {epoch}/{epochs} 轮 [{stage}] 训练损失 {train_loss} 准确率 {train_acc} · 验证损失 {val_loss} 准确率 {val_acc} · {seconds} 秒，{speed} 张/秒{best}</translation>
    </message>
    <message>
        <source>warning: </source>
        <translation>警告：</translation>
    </message>
    <message>
        <source>error: </source>
        <translation>错误：</translation>
    </message>
</context>
<context>
    <name>SettingsFormWidget</name>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Two-stage with pretrained weights, full training from scratch otherwise.</source>
        <translation>有预训练权重时两阶段训练，否则从头完整训练。</translation>
    </message>
    <message>
        <source>Head only</source>
        <translation>仅分类头</translation>
    </message>
    <message>
        <source>Train only the new classifier on frozen features: fastest, good for small datasets.</source>
        <translation>只在冻结的特征上训练新的分类头：最快，适合小数据集。</translation>
    </message>
    <message>
        <source>Partial</source>
        <translation>部分微调</translation>
    </message>
    <message>
        <source>Also fine-tune the backbone&apos;s last stage: a middle ground for medium datasets.</source>
        <translation>同时微调骨干网络的最后一个阶段：适合中等规模数据集的折中方案。</translation>
    </message>
    <message>
        <source>Full</source>
        <translation>全部微调</translation>
    </message>
    <message>
        <source>Fine-tune every layer: best with lots of data, or when training from scratch.</source>
        <translation>微调每一层：数据很多或从头训练时最好。</translation>
    </message>
    <message>
        <source>Two-stage</source>
        <translation>两阶段</translation>
    </message>
    <message>
        <source>Train the head on frozen features first, then fine-tune everything gently.</source>
        <translation>先在冻结的特征上训练分类头，再温和地微调所有层。</translation>
    </message>
    <message>
        <source>One-cycle</source>
        <translation>单周期（One-cycle）</translation>
    </message>
    <message>
        <source>Cosine</source>
        <translation>余弦</translation>
    </message>
    <message>
        <source>1 min</source>
        <translation>1 分钟</translation>
    </message>
    <message>
        <source>5 min</source>
        <translation>5 分钟</translation>
    </message>
    <message>
        <source>15 min</source>
        <translation>15 分钟</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 小时</translation>
    </message>
    <message>
        <source>Until done</source>
        <translation>直到完成</translation>
    </message>
    <message>
        <source>Auto (noted, not weighted)</source>
        <translation>自动（仅提示，不加权）</translation>
    </message>
    <message>
        <source>On: every class counts the same</source>
        <translation>开：每个类别的权重相同</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>关</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source> (0 = automatic)</source>
        <translation>（0 = 自动）</translation>
    </message>
    <message>
        <source>Strategy</source>
        <translation>策略</translation>
    </message>
    <message>
        <source>How long the whole run may take, scan to saved model. Every layer trains for as long as fits, with the learning rate laid out over the time. Automatic: about a minute per thousand images (1 to 15 minutes). Until done: the epochs below.</source>
        <translation>整个训练（从扫描到保存模型）可用的时长。每一层在时间允许的范围内训练，学习率按时间安排。自动：每千张图像约一分钟（1 到 15 分钟）。直到完成：按下面的轮数训练。</translation>
    </message>
    <message>
        <source>Train for</source>
        <translation>训练时长</translation>
    </message>
    <message>
        <source>Passes over the training images</source>
        <translation>遍历训练图像的次数</translation>
    </message>
    <message>
        <source>Images per optimisation step</source>
        <translation>每个优化步的图像数</translation>
    </message>
    <message>
        <source>Peak learning rate (0 = automatic for the strategy and batch size)</source>
        <translation>峰值学习率（0 = 按策略和批大小自动设定）</translation>
    </message>
    <message>
        <source>Input size in pixels</source>
        <translation>输入尺寸（像素）</translation>
    </message>
    <message>
        <source>Share of each class held out for validation (ignored when the folder has train/ and val/)</source>
        <translation>每个类别留作验证的比例（文件夹中已有 train/ 和 val/ 时忽略）</translation>
    </message>
    <message>
        <source>Augment (random crops, flips, light colour jitter)</source>
        <translation>数据增强（随机裁剪、翻转、轻微颜色抖动）</translation>
    </message>
    <message>
        <source>Mirror images (turn off for text, digits, arrows)</source>
        <translation>镜像图像（文字、数字、箭头请关闭）</translation>
    </message>
    <message>
        <source>Random left-right mirroring during training. A mirrored 2, b or arrow is another class: turn this off when a mirror image changes what an image shows.</source>
        <translation>训练时随机左右镜像。镜像后的 2、b 或箭头是另一个类别：当镜像会改变图像含义时请关闭此项。</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Find…</source>
        <translation>查找…</translation>
    </message>
    <message>
        <source>Sweep the learning rate on a throw-away copy of the model (one epoch&apos;s worth of steps), plot the loss and suggest a rate (fastai&apos;s learning-rate finder)</source>
        <translation>在模型的临时副本上扫描学习率（一轮的步数），绘制损失曲线并建议一个学习率（fastai 的学习率查找器）</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>高级</translation>
    </message>
    <message>
        <source>Softens the targets; helps calibration and small datasets</source>
        <translation>软化目标标签；有助于校准和小数据集</translation>
    </message>
    <message>
        <source>On: weight the loss by inverse class frequency, so rare classes count as much as common ones (costs overall accuracy; measured in docs/TRAINING.md)</source>
        <translation>开：按类别频率的倒数对损失加权，使稀有类别与常见类别同等重要（会降低总体准确率；测量见 docs/TRAINING.md）</translation>
    </message>
    <message>
        <source> epochs</source>
        <translation> 轮</translation>
    </message>
    <message>
        <source>Stop when validation accuracy has not improved for this many epochs</source>
        <translation>验证准确率连续这么多轮没有提升时停止</translation>
    </message>
    <message>
        <source>Same seed, same data, same settings: the same split and run</source>
        <translation>相同的随机种子、数据和设置：得到相同的划分和训练结果</translation>
    </message>
    <message>
        <source>Learning-rate schedule over the run</source>
        <translation>整个训练过程中的学习率调度</translation>
    </message>
    <message>
        <source>Head-only / partial training: augmented views cached per image (more = more variety)</source>
        <translation>仅分类头 / 部分微调训练：每张图像缓存的增强视图数（越多变化越丰富）</translation>
    </message>
    <message>
        <source>Label smoothing</source>
        <translation>标签平滑</translation>
    </message>
    <message>
        <source>Class weighting</source>
        <translation>类别加权</translation>
    </message>
    <message>
        <source>Early stopping</source>
        <translation>早停</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>学习率调度</translation>
    </message>
    <message>
        <source>Feature views</source>
        <translation>特征视图</translation>
    </message>
    <message>
        <source>Auto (best available)</source>
        <translation>自动（最佳可用设备）</translation>
    </message>
    <message>
        <source>Auto ({value})</source>
        <translation>自动（{value}）</translation>
    </message>
    <message>
        <source>Auto ({size} px)</source>
        <translation>自动（{size} px）</translation>
    </message>
    <message>
        <source>Plan: {stages} on {device} ({precision}), {train:,} training / {val:,} validation images</source>
        <translation>计划：在 {device}（{precision}）上 {stages}，训练图像 {train:,} 张 / 验证图像 {val:,} 张</translation>
    </message>
    <message>
        <source>, small-image stem</source>
        <translation>，小图像 stem</translation>
    </message>
    <message>
        <source>, within {duration}</source>
        <translation>，限时 {duration}</translation>
    </message>
    <message>
        <source>Cannot plan with these settings: {problem}</source>
        <translation>无法按这些设置制定计划：{problem}</translation>
    </message>
    <message>
        <source> Without pretrained weights the frozen features are random: choose Full or Automatic.</source>
        <translation>没有预训练权重时，冻结的特征是随机的：请选择“全部微调”或“自动”。</translation>
    </message>
</context>
<context>
    <name>SortFolderDialog</name>
    <message>
        <source>Copy (the originals stay where they are)</source>
        <translation>复制（原文件留在原处）</translation>
    </message>
    <message>
        <source>Hard link where possible (no extra space; else copy)</source>
        <translation>尽量使用硬链接（不占用额外空间；否则复制）</translation>
    </message>
    <message>
        <source>Move (the originals leave the folder)</source>
        <translation>移动（原文件会移出该文件夹）</translation>
    </message>
    <message>
        <source>about {seconds} s left</source>
        <translation>大约还剩 {seconds} 秒</translation>
    </message>
    <message>
        <source>about {minutes} min left</source>
        <translation>大约还剩 {minutes} 分钟</translation>
    </message>
    <message>
        <source>Sort folder</source>
        <translation>整理文件夹</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Use the model&apos;s own threshold ({threshold})</source>
        <translation>使用模型自带的阈值（{threshold}）</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Photos in</source>
        <translation>照片所在文件夹</translation>
    </message>
    <message>
        <source>Sort into</source>
        <translation>整理到</translation>
    </message>
    <message>
        <source>How</source>
        <translation>方式</translation>
    </message>
    <message>
        <source>Not sure below</source>
        <translation>低于此值为不确定</translation>
    </message>
    <message>
        <source>Sort</source>
        <translation>整理</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Review not sure…</source>
        <translation>复核不确定的图像…</translation>
    </message>
    <message>
        <source>Label the images set aside as &apos;Not sure&apos;, keyboard first, and add them to the training set</source>
        <translation>为被归为“不确定”的图像标注类别（以键盘操作为主），并将它们加入训练集</translation>
    </message>
    <message>
        <source>Folder of photos to sort</source>
        <translation>要整理的照片文件夹</translation>
    </message>
    <message>
        <source>Choose the folder of photos and the folder to sort into.</source>
        <translation>请选择照片所在的文件夹，以及要整理到的文件夹。</translation>
    </message>
    <message>
        <source>Looking at the photos…</source>
        <translation>正在查看照片…</translation>
    </message>
    <message>
        <source>Move the photos?</source>
        <translation>移动这些照片吗？</translation>
    </message>
    <message>
        <source>The photos will be moved out of {source} into {dest}. The manifest there records where each one came from. Move them?</source>
        <translation>这些照片将从 {source} 移到 {dest}。那里的清单会记录每张照片的来源。要移动吗？</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>{done} of {total} photos</source>
        <translation>{done} / {total} 张照片</translation>
    </message>
    <message>
        <source>Sort again into the same folder to finish.</source>
        <translation>再次整理到同一文件夹即可完成。</translation>
    </message>
</context>
<context>
    <name>SortReviewDialog</name>
    <message>
        <source>File into class folders</source>
        <translation>归入类别文件夹</translation>
    </message>
    <message>
        <source>Move the labelled images from _not_sure into their class folders of the sorted folder, and record it in the manifest (Ctrl+Z takes it back)</source>
        <translation>把已标注的图像从 _not_sure 移到整理后文件夹中对应的类别文件夹，并记入清单（Ctrl+Z 可撤销）</translation>
    </message>
    <message>
        <source>Retrain</source>
        <translation>重新训练</translation>
    </message>
    <message>
        <source>Train again on the training folder with the images just added (Train page)</source>
        <translation>用刚加入的图像在训练文件夹上重新训练（训练页面）</translation>
    </message>
    <message>
        <source>filed in {folder}</source>
        <translation>已归入 {folder}</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
</context>
<context>
    <name>Text</name>
    <message>
        <source>{number}%</source>
        <translation>{number}%</translation>
    </message>
    <message>
        <source>No internet connection: the ImageNet weights for {backbone} could not be downloaded. Connect to the internet and try again, or download {url} on a computer that is online and import it with “Import weights file…”. You can also train from scratch without pretrained weights.</source>
        <translation>没有网络连接：无法下载 {backbone} 的 ImageNet 权重。请联网后重试，或在联网的电脑上下载 {url}，再通过“导入权重文件…”导入。你也可以不使用预训练权重，从头训练。</translation>
    </message>
    <message>
        <source>No internet connection: the ImageNet weights for {backbone} could not be downloaded. Connect to the internet and try again, or import a weights file fetched on a computer that is online with “Import weights file…”. You can also train from scratch without pretrained weights.</source>
        <translation>没有网络连接：无法下载 {backbone} 的 ImageNet 权重。请联网后重试，或通过“导入权重文件…”导入在联网电脑上获取的权重文件。你也可以不使用预训练权重，从头训练。</translation>
    </message>
    <message>
        <source>{subject} is not a model file, or it is damaged (cut short by an interrupted copy or download). Choose a .safetensors model saved by Backbone Studio.</source>
        <translation>{subject} 不是模型文件，或者已损坏（复制或下载中断导致文件不完整）。请选择由 Backbone Studio 保存的 .safetensors 模型。</translation>
    </message>
    <message>
        <source>This file</source>
        <translation>此文件</translation>
    </message>
</context>
<context>
    <name>TileDelegate</name>
    <message>
        <source>⚠ missing
(changed since it was scored)</source>
        <translation>⚠ 文件不存在
（评分后已被改动）</translation>
    </message>
    <message>
        <source>⚠ cannot be read
(changed since it was scored)</source>
        <translation>⚠ 无法读取
（评分后已被改动）</translation>
    </message>
    <message>
        <source>excluded</source>
        <translation>已排除</translation>
    </message>
</context>
<context>
    <name>TrainAssistant</name>
    <message>
        <source>Pretrained weights</source>
        <translation>预训练权重</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Train from scratch</source>
        <translation>从头训练</translation>
    </message>
    <message>
        <source>Downloading the weights; press Start training when they are here.</source>
        <translation>正在下载权重；下载完成后请点击“开始训练”。</translation>
    </message>
</context>
<context>
    <name>TrainController</name>
    <message>
        <source>warning: {warning}</source>
        <translation>警告：{warning}</translation>
    </message>
    <message>
        <source>A training is running.</source>
        <translation>正在训练中。</translation>
    </message>
</context>
<context>
    <name>TrainPage</name>
    <message>
        <source>Start training</source>
        <translation>开始训练</translation>
    </message>
    <message>
        <source>Train the chosen backbone on the scanned dataset (Ctrl+Return)</source>
        <translation>在已扫描的数据集上训练所选的骨干网络（Ctrl+Return）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop after the current batch and keep the best model so far</source>
        <translation>在当前批次结束后停止，并保留目前最好的模型</translation>
    </message>
    <message>
        <source>Checking and importing {name}…</source>
        <translation>正在检查并导入 {name}…</translation>
    </message>
    <message>
        <source>Scan a dataset folder first (choose one, drop one, or create the demo data).</source>
        <translation>请先扫描一个数据集文件夹（选择、拖入，或创建示例数据）。</translation>
    </message>
    <message>
        <source>These settings cannot be used: {error}</source>
        <translation>无法使用这些设置：{error}</translation>
    </message>
    <message>
        <source>Resuming {backbone} on {folder}</source>
        <translation>继续在 {folder} 上训练 {backbone}</translation>
    </message>
    <message>
        <source>Training {backbone} on {folder}</source>
        <translation>在 {folder} 上训练 {backbone}</translation>
    </message>
    <message>
        <source>Scan a dataset folder first: the finder trains on it.</source>
        <translation>请先扫描一个数据集文件夹：学习率查找器要在它上面训练。</translation>
    </message>
    <message>
        <source>Downloading ImageNet weights for {backbone}…</source>
        <translation>正在下载 {backbone} 的 ImageNet 权重…</translation>
    </message>
    <message>
        <source>Scanning {folder}…</source>
        <translation>正在扫描 {folder}…</translation>
    </message>
    <message>
        <source>Ready to train.</source>
        <translation>可以开始训练。</translation>
    </message>
    <message>
        <source>Scan stopped. Choose a dataset folder to begin.</source>
        <translation>扫描已停止。选择一个数据集文件夹以开始。</translation>
    </message>
    <message>
        <source>This folder cannot be used for training.</source>
        <translation>此文件夹无法用于训练。</translation>
    </message>
    <message>
        <source>Training failed.</source>
        <translation>训练失败。</translation>
    </message>
    <message>
        <source>Training could not run.</source>
        <translation>训练无法运行。</translation>
    </message>
    <message>
        <source>error: {message}</source>
        <translation>错误：{message}</translation>
    </message>
    <message>
        <source>Pretrained weights ready: {path}</source>
        <translation>预训练权重已就绪：{path}</translation>
    </message>
    <message>
        <source>Pretrained weights</source>
        <translation>预训练权重</translation>
    </message>
    <message>
        <source>Demo dataset written to {root}</source>
        <translation>示例数据集已写入 {root}</translation>
    </message>
    <message>
        <source>The demo images were written to {root}.</source>
        <translation>示例图像已写入 {root}。</translation>
    </message>
    <message>
        <source>No dataset yet.</source>
        <translation>尚无数据集。</translation>
    </message>
    <message>
        <source>Demo dataset</source>
        <translation>示例数据集</translation>
    </message>
</context>
</TS>

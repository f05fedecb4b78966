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
</context>
<context>
    <name>CoreMessage</name>
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
        <source>{n:,} epochs</source>
        <comment>words.epoch_many</comment>
        <translation>{n:,} 轮</translation>
    </message>
    <message>
        <source>{n:,} epoch</source>
        <comment>words.epoch_one</comment>
        <translation>{n:,} 轮</translation>
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
    <message numerus="yes">
        <source>%n validation image(s)</source>
        <translation>
            <numerusform>验证 %n 张</numerusform>
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

<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name></name>
    <message>
        <source>indexed, with a warning</source>
        <translation>已索引（有警告）</translation>
    </message>
    <message>
        <source>indexed</source>
        <translation>已索引</translation>
    </message>
    <message>
        <source>error: {reason}</source>
        <translation>出错：{reason}</translation>
    </message>
    <message>
        <source>cancelled: {reason}</source>
        <translation>已取消：{reason}</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>indexing…</source>
        <translation>正在索引…</translation>
    </message>
    <message>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>回复</translation>
    </message>
</context>
<context>
    <name>BranchNavigator</name>
    <message>
        <source>Previous branch</source>
        <translation>上一个分支</translation>
    </message>
    <message>
        <source>Next branch</source>
        <translation>下一个分支</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Message Inkling…  (Enter to send, Shift+Enter for a new line)</source>
        <translation>给 Inkling 发消息…（Enter 发送，Shift+Enter 换行）</translation>
    </message>
</context>
<context>
    <name>ConversationList</name>
    <message>
        <source>Delete conversation</source>
        <translation>删除对话</translation>
    </message>
    <message>
        <source>Unpin</source>
        <translation>取消置顶</translation>
    </message>
    <message>
        <source>Pin to top</source>
        <translation>置顶</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
</context>
<context>
    <name>FileTypesDialog</name>
    <message>
        <source>Import folder</source>
        <translation>导入文件夹</translation>
    </message>
    <message>
        <source>Import these file types from {folder} and its subfolders:</source>
        <translation>从 {folder} 及其子文件夹导入这些类型的文件：</translation>
    </message>
</context>
<context>
    <name>HeatmapLegend</name>
    <message>
        <source>Each token of a reply is coloured by its probability under the model</source>
        <translation>回复中的每个词元都按模型给它的概率着色</translation>
    </message>
</context>
<context>
    <name>LanguageMenu</name>
    <message>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>The new language is used when Inkling starts again.</source>
        <translation>新的界面语言将在 Inkling 下次启动时生效。</translation>
    </message>
</context>
<context>
    <name>NotesPanel</name>
    <message>
        <source>Search notes…</source>
        <translation>搜索笔记…</translation>
    </message>
    <message>
        <source>New note</source>
        <translation>新建笔记</translation>
    </message>
    <message>
        <source>Import files…</source>
        <translation>导入文件…</translation>
    </message>
    <message>
        <source>Import folder…</source>
        <translation>导入文件夹…</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Chunks</source>
        <translation>片段数</translation>
    </message>
    <message>
        <source>Last indexed</source>
        <translation>上次索引</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Write a note (markdown allowed), then Save.</source>
        <translation>写一条笔记（可以用 Markdown），然后保存。</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Chunks that match the question less than this (cosine similarity) are left out.</source>
        <translation>与问题的匹配度（余弦相似度）低于这个值的片段不会使用。</translation>
    </message>
    <message>
        <source>Sources per answer</source>
        <translation>每个回答的来源数</translation>
    </message>
    <message>
        <source>min. score</source>
        <translation>最低分数</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>分数</translation>
    </message>
    <message>
        <source>Chunk</source>
        <translation>片段</translation>
    </message>
    <message>
        <source>Snippet</source>
        <translation>摘录</translation>
    </message>
    <message>
        <source>No matching notes</source>
        <translation>没有匹配的笔记</translation>
    </message>
    <message>
        <source>typed note</source>
        <translation>手写笔记</translation>
    </message>
    <message>
        <source> (in an imported folder: edit or delete the file itself)</source>
        <translation>（位于导入的文件夹中：请直接编辑或删除文件本身）</translation>
    </message>
    <message>
        <source>Delete removes the folder and its notes from Inkling; the files stay on disk.</source>
        <translation>删除会把这个文件夹及其笔记从 Inkling 中移除；磁盘上的文件保持不变。</translation>
    </message>
</context>
<context>
    <name>ProbabilityPanel</name>
    <message>
        <source>Select a token: turn on the heatmap (Ctrl+H) and click a token of a reply.</source>
        <translation>选择一个词元：打开热力图（Ctrl+H），然后点击回复中的一个词元。</translation>
    </message>
    <message>
        <source>The token&apos;s probability under the model, before any sampler setting</source>
        <translation>这个词元在模型下的概率，未经任何采样设置</translation>
    </message>
    <message>
        <source>The probability it was drawn with, after the reply&apos;s sampler settings</source>
        <translation>按这条回复的采样设置，实际抽中它的概率</translation>
    </message>
    <message>
        <source>How spread out the model&apos;s whole distribution was here (0 bits: certain)</source>
        <translation>模型在这一步的整个分布有多分散（0 比特：完全确定）</translation>
    </message>
    <message>
        <source>What-if temperature</source>
        <translation>假设温度</translation>
    </message>
    <message>
        <source>Drag to see the distribution another temperature would give here. It starts at the reply&apos;s own and changes nothing else: the next reply uses the Sampling panel.</source>
        <translation>拖动滑块，看看换一个温度时这里会是什么分布。它从这条回复自己的温度开始，不会改变任何别的东西：下一条回复使用采样面板的设置。</translation>
    </message>
    <message>
        <source>Use these settings</source>
        <translation>使用这些设置</translation>
    </message>
    <message>
        <source>Copy the what-if settings (temperature, top-k, top-p, min-p, repeat penalty) to the Sampling panel, for the next reply</source>
        <translation>把假设设置（温度、top-k、top-p、min-p、重复惩罚）复制到采样面板，用于下一条回复</translation>
    </message>
    <message>
        <source>Alternatives: Enter continues the reply from the selected token</source>
        <translation>候选：按 Enter 从选中的词元继续回复</translation>
    </message>
    <message>
        <source>Click an alternative (or press Enter on it) to continue the reply from it as a new branch. ← → move between tokens.</source>
        <translation>点击一个候选（或在它上面按 Enter），从它开始把回复继续写成一条新分支。← → 在词元之间移动。</translation>
    </message>
    <message>
        <source> · byte {part} of {parts} of “{text}” (together {probability})</source>
        <translation> · “{text}”的第 {part}/{parts} 个字节（合计 {probability}）</translation>
    </message>
    <message>
        <source>Token {position} of {count}</source>
        <translation>第 {position} 个词元，共 {count} 个</translation>
    </message>
    <message>
        <source> · put here by you (branch point)</source>
        <translation> · 由你放在这里（分支点）</translation>
    </message>
    <message>
        <source>model {probability}</source>
        <translation>模型 {probability}</translation>
    </message>
    <message>
        <source>drawn: chosen by you</source>
        <translation>抽中：由你选择</translation>
    </message>
    <message>
        <source>drawn {probability}</source>
        <translation>抽中 {probability}</translation>
    </message>
    <message>
        <source>entropy ≥ {bits} bits ≈ (from the top {count})</source>
        <translation>熵 ≥ {bits} 比特 ≈（由前 {count} 个候选估计）</translation>
    </message>
    <message>
        <source>entropy {bits} bits</source>
        <translation>熵 {bits} 比特</translation>
    </message>
</context>
<context>
    <name>ReplySummaryView</name>
    <message>
        <source>Confidence: mean log-prob {mean} · perplexity {perplexity} · {count} tokens</source>
        <translation>置信度：平均对数概率 {mean} · 困惑度 {perplexity} · {count} 个词元</translation>
    </message>
    <message>
        <source>Least confident: {links}</source>
        <translation>最没把握：{links}</translation>
    </message>
    <message>
        <source>Click a word to select its least likely token</source>
        <translation>点击一个词，选中其中概率最低的词元</translation>
    </message>
</context>
<context>
    <name>SearchBox</name>
    <message>
        <source>Search all conversations…</source>
        <translation>搜索全部对话…</translation>
    </message>
    <message>
        <source>No messages match.</source>
        <translation>没有匹配的消息。</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) (newest first; type more to narrow)</source>
        <translation>
            <numerusform>%n 条消息（最新的在前；再多输入几个字可以缩小范围）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s), newest first</source>
        <translation>
            <numerusform>%n 条消息，最新的在前</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SourcesRow</name>
    <message>
        <source>Sources:</source>
        <translation>来源：</translation>
    </message>
    <message>
        <source>Source {n}</source>
        <translation>来源 {n}</translation>
    </message>
</context>
<context>
    <name>SystemPromptPanel</name>
    <message>
        <source>System prompt preset</source>
        <translation>系统提示词预设</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>Instructions the model sees before the conversation (saved with this conversation).</source>
        <translation>模型在对话开始前看到的指令（随本对话保存）。</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>This model has no chat template: the system prompt is placed before the text as plain text.</source>
        <translation>这个模型没有聊天模板：系统提示词会作为普通文本放在正文之前。</translation>
    </message>
</context>
<context>
    <name>TokenBrowser</name>
    <message>
        <source>Reply tokens coloured by probability</source>
        <translation>按概率着色的回复词元</translation>
    </message>
    <message>
        <source>= product of {count} tokens</source>
        <translation>= {count} 个词元概率之积</translation>
    </message>
</context>
</TS>

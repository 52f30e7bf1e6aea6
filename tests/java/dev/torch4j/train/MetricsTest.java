package dev.torch4j.train;

import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Metrics against values computed by hand. */
class MetricsTest {
    // labels 0,0,1,1,2,2,2 predicted as 0,1,1,1,2,0,2
    private static final long[] LABELS = {0, 0, 1, 1, 2, 2, 2};
    private static final long[] PREDICTED = {0, 1, 1, 1, 2, 0, 2};

    @Test void confusionMatrixCountsTrueRowsAgainstPredictedColumns() {
        ConfusionMatrix cm = new ConfusionMatrix(3).add(Tensor.of(PREDICTED), Tensor.of(LABELS));
        assertThat(cm.counts()).isDeepEqualTo(new long[][] {{1, 1, 0}, {0, 2, 0}, {1, 0, 2}});
        assertThat(cm.accuracy()).isCloseTo(5 / 7.0, within(1e-12));
        assertThatThrownBy(() -> cm.add(3, 0)).hasMessageContaining("class out of range [0, 2]");
    }

    @Test void classificationReportPrintsLikeScikitLearn() {
        ClassificationReport r = new ClassificationReport(new ConfusionMatrix(3).add(Tensor.of(PREDICTED), Tensor.of(LABELS)));
        // class 1: precision 2/3, recall 1, F1 0.8; macro F1 (0.5 + 0.8 + 0.8) / 3 = 0.7
        assertThat(r.rows().get(1).precision()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(r.rows().get(1).f1()).isCloseTo(0.8, within(1e-12));
        assertThat(r.macroAverage().f1()).isCloseTo(0.7, within(1e-12));
        assertThat(r.weightedAverage().precision()).isCloseTo((0.5 * 2 + 2 / 3.0 * 2 + 3) / 7, within(1e-12));
        assertThat(r).hasToString(String.join("\n",
                "              precision    recall  f1-score   support",
                "",
                "           0       0.50      0.50      0.50         2",
                "           1       0.67      1.00      0.80         2",
                "           2       1.00      0.67      0.80         3",
                "",
                "    accuracy                           0.71         7",
                "   macro avg       0.72      0.72      0.70         7",
                "weighted avg       0.76      0.71      0.71         7",
                ""));
    }

    @Test void classNamesAndANeverPredictedClass() {
        ConfusionMatrix cm = new ConfusionMatrix(2);
        cm.add(0, 0);
        cm.add(1, 0);
        ClassificationReport r = new ClassificationReport(cm, List.of("cat", "dog"), 2);
        assertThat(r.rows().get(1).precision()).isZero(); // never predicted: 0, as scikit-learn's zero_division
        assertThat(r.toString()).contains("         cat       0.50      1.00      0.67         1");
    }

    @Test void accuracyTopKAndBinary() {
        Tensor logits = Tensor.of(new float[] {
                0.1f, 0.7f, 0.2f,
                0.5f, 0.3f, 0.2f,
                0.2f, 0.3f, 0.5f,
                0.6f, 0.3f, 0.1f}, 4, 3);
        Tensor labels = Tensor.of(new long[] {1, 1, 2, 2});
        assertThat(Metrics.accuracy(logits, labels)).isEqualTo(0.5);
        assertThat(Metrics.topK(logits, labels, 2)).isEqualTo(0.75); // the last row's label is third
        assertThat(Metrics.topK(logits, labels, 3)).isEqualTo(1.0);
        Tensor out = Tensor.of(new float[] {2f, -1f, 0.5f, -3f}, 4, 1);
        Tensor y = Tensor.of(new float[] {1, 0, 0, 0});
        assertThat(Metrics.binaryAccuracy(out, y, true, 0.5)).isEqualTo(0.75);
        assertThat(Metrics.binaryAccuracy(out.sigmoid(), y, false, 0.7)).isEqualTo(1.0);
    }
}
